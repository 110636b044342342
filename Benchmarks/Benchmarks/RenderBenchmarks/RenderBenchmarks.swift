import Benchmark
import Foundation
import MetricsClient

// Compiled together with the dashboard's rendering code (`Screen` links to Sources/Dashboard/Screen), so
// the benchmark calls the same pure `render(_:size:)` the dashboard draws every frame with.

/// One dashboard frame: 50 tools with 80-point sparklines, two caches, errors and three uploads in flight,
/// at the common terminal sizes; the target, ≤ 1 ms per frame, is in BENCHMARKS.md.
let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(3),
        maxIterations: 2_000
    )
    for size in [
        ScreenSize(width: 80, height: 24), ScreenSize(width: 120, height: 40), ScreenSize(width: 200, height: 60),
    ] {
        Benchmark("render, 50 tools, \(size.width)x\(size.height)", configuration: configuration) { benchmark, state in
            for _ in benchmark.scaledIterations {
                blackHole(render(state, size: size))
            }
        } setup: {
            fiftyToolState()
        }
    }
}

/// What the poller hands the screen after a minute attached to an engine with 50 tools.
func fiftyToolState() -> DashboardState {
    let now = Date(timeIntervalSince1970: 1_764_270_000)
    var tools: [String: ToolMetrics] = [:]
    var rates: [String: Double] = [:]
    var rateHistory: [String: [Double]] = [:]
    var p95History: [String: [Double]] = [:]
    for index in 0..<50 {
        let name = "tool_\(index < 10 ? "0" : "")\(index)"
        let p95 = 100 + Double(index * 37 % 900)
        tools[name] = ToolMetrics(
            toolName: name,
            totalCalls: 800 + index,
            successfulCalls: 780 + index,
            failedCalls: 20,
            successRate: 97.5,
            avgLatencyMs: p95 / 2,
            p50LatencyMs: p95 / 2.5,
            p95LatencyMs: p95,
            p99LatencyMs: p95 * 1.6,
            minLatencyMs: 3.2,
            maxLatencyMs: p95 * 3,
            errorTypes: ["timeout": 12, "rate_limited": 6, "upstream_5xx": 2],
            windowSamples: 800,
            lifetime: LifetimePercentiles(p50Ms: p95 / 2.5, p95Ms: p95, p99Ms: p95 * 1.6, p999Ms: p95 * 2.5)
        )
        rates[name] = 9.94
        rateHistory[name] = (0..<80).map { Double(($0 + index) % 9) }
        p95History[name] = (0..<80).map { step -> Double in
            let wobble = Double((step * 7 + index * 3) % 11) / 10
            return p95 * (0.6 + 0.4 * wobble)
        }
    }
    let uploads = UploadMetrics(
        maxParallel: 3,
        inFlight: 3,
        queued: 2,
        completed: 4,
        failed: 1,
        bytesSent: 48_000_000,
        recent: (0..<8).map { index in
            UploadRecord(
                id: "u\(index)",
                file: "report-\(index).pdf",
                state: index < 3 ? .uploading : .done,
                bytesTotal: 16_000_000,
                bytesSent: index < 3 ? 5_000_000 * (index + 1) : 16_000_000,
                fileID: index < 3 ? nil : "file-\(index)",
                startedAt: now.timeIntervalSince1970 - 10,
                finishedAt: index < 3 ? nil : now.timeIntervalSince1970 - 2
            )
        }
    )
    let snapshot = MetricsSnapshot(
        timestamp: now.timeIntervalSince1970,
        engine: EngineInfo(
            name: "dashboard-engine",
            version: "0.1.0",
            mode: .serve,
            demo: false,
            filesAPI: "sandbox"
        ),
        toolMetrics: tools,
        cacheMetrics: [
            "semantic_cache": CacheMetrics(
                cacheName: "semantic_cache",
                hits: 6_250,
                misses: 3_750,
                evictions: 12,
                sizeRejections: 1,
                expirations: 3,
                entries: 812,
                maxEntries: 1000,
                bytes: 1_234_567,
                maxBytes: 268_435_456
            ),
            "file_ids": CacheMetrics(cacheName: "file_ids", hits: 4, misses: 6, entries: 6),
        ],
        systemMetrics: SystemMetrics(
            activeSessions: 1,
            concurrentRequests: 2,
            totalRequests: 40_000,
            startTime: now.timeIntervalSince1970 - 3_725,
            uptimeSeconds: 3_725
        ),
        uploadMetrics: uploads
    )
    return DashboardState(
        snapshot: snapshot,
        mode: .attached,
        target: "127.0.0.1:9109",
        connection: .connected,
        callRates: rates,
        callRateHistory: rateHistory,
        p95History: p95History,
        totalCallsPerSecond: 497,
        intervalHitRates: ["semantic_cache": 71.5],
        uploadRates: ["u0": 12_500_000, "u1": 11_000_000, "u2": 9_500_000],
        now: now,
        clockZone: .utc
    )
}
