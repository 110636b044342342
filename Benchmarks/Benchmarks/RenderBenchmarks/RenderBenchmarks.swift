import Benchmark
import Foundation
import MetricsClient
import MetricsWire

// Compiled together with the dashboard's rendering code (`Screen` links to Sources/DashboardUI/Screen), so
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
    // Every target has a new snapshot since the last frame (at a 1 s refresh, every frame of 8 targets does):
    // no row of the last frame can be reused.
    Benchmark("render, 8 targets x 50 tools, 200x60", configuration: configuration) { benchmark, state in
        var state = state
        for _ in benchmark.scaledIterations {
            for index in state.targets.indices { state.targets[index].snapshot = state.targets[index].snapshot }
            blackHole(render(state, size: ScreenSize(width: 200, height: 60)))
        }
    } setup: {
        eightTargetState()
    }
    // A frame between snapshots (a key, the clock): the rows of every target are those of the last frame.
    Benchmark("render, 8 targets x 50 tools, 200x60, no new snapshot", configuration: configuration) {
        benchmark,
        state in
        for _ in benchmark.scaledIterations {
            blackHole(render(state, size: ScreenSize(width: 200, height: 60)))
        }
    } setup: {
        eightTargetState()
    }
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
    messagesBenchmarks()
}

/// What the poller hands the screen after a minute attached to an engine with 50 tools.
func fiftyToolState() -> DashboardState {
    let now = Date(timeIntervalSince1970: 1_764_270_000)
    var tools: [String: ToolMetrics] = [:]
    var rates: [String: Double] = [:]
    var history: [String: ToolHistory] = [:]
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
        history[name] = ToolHistory(
            p95: (0..<80).map { step -> Double in
                let wobble = Double((step * 7 + index * 3) % 11) / 10
                return p95 * (0.6 + 0.4 * wobble)
            },
            callRate: (0..<80).map { Double(($0 + index) % 9) }
        )
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
        history: history,
        totalCallsPerSecond: 497,
        intervalHitRates: ["semantic_cache": 71.5],
        uploadRates: ["u0": 12_500_000, "u1": 11_000_000, "u2": 9_500_000],
        now: now,
        clockZone: .utc
    )
}

/// Eight proxies of 50 tools each, with calls in flight (progress on some) and recent failures: what
/// `dashboard --local` shows for a user with eight servers.
func eightTargetState() -> DashboardState {
    let one = fiftyToolState()
    let base = one.targets[0]
    var targets: [TargetView] = []
    for index in 0..<8 {
        var target = base
        target.id = "127.0.0.1:\(9301 + index)"
        target.name = ["github", "filesystem", "time", "search", "slack", "memory", "postgres", "browser"][index]
        target.snapshot?.uploadMetrics = index == 0 ? base.snapshot?.uploadMetrics : nil
        let name = target.name
        target.snapshot?.mcp = MCPMetrics(
            server: MCPServerStatus(name: name, executable: "npx", running: true),
            inFlight: (0..<3).map { call in
                InFlightCall(
                    id: "\(call)",
                    method: "tools/call",
                    tool: "tool_0\(call)",
                    elapsedMs: Double(500 * (call + 1) + index),
                    progress: call == 0 ? 40 : nil,
                    total: call == 0 ? 100 : nil,
                    message: call == 0 ? "indexing" : nil
                )
            },
            inFlightCount: 3,
            recentFailures: (0..<20).map { failure in
                CallFailure(
                    time: one.now.timeIntervalSince1970 - Double(failure * 3 + index),
                    method: "tools/call",
                    tool: "tool_\(10 + failure)",
                    errorType: "tool_error",
                    message: "upstream answered 503: service unavailable",
                    latencyMs: 120
                )
            }
        )
        targets.append(target)
    }
    return DashboardState(targets: targets, mode: .local, now: one.now, clockZone: .utc)
}
