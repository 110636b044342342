import Foundation
import MetricsClient
import MetricsWire

@testable import DashboardUI

/// Deterministic states for the renderer tests.
enum Fixtures {
    /// 2025-10-09 08:53:20 UTC.
    static let now = Date(timeIntervalSince1970: 1_760_000_000)

    static func tool(
        _ name: String,
        calls: Int,
        failed: Int = 0,
        p50: Double,
        p95: Double,
        p99: Double,
        max: Double? = nil,
        errors: [String: Int] = [:]
    ) -> ToolMetrics {
        ToolMetrics(
            toolName: name,
            totalCalls: calls,
            successfulCalls: calls - failed,
            failedCalls: failed,
            successRate: MetricsRounding.percent(calls - failed, of: calls),
            avgLatencyMs: p50 * 1.1,
            p50LatencyMs: p50,
            p95LatencyMs: p95,
            p99LatencyMs: p99,
            minLatencyMs: p50 / 4,
            maxLatencyMs: max ?? p99 * 1.4,
            errorTypes: errors,
            windowSamples: min(calls, 1000)
        )
    }

    static let caches: [String: CacheMetrics] = [
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
        "file_cache": CacheMetrics(cacheName: "file_cache", hits: 4, misses: 6, entries: 6),
    ]

    static func snapshot(
        tools: [ToolMetrics],
        uploads: UploadMetrics? = UploadMetrics(maxParallel: 3),
        demo: Bool = true
    ) -> MetricsSnapshot {
        MetricsSnapshot(
            timestamp: now.timeIntervalSince1970,
            engine: EngineInfo(
                name: "dashboard-engine",
                version: "0.1.0",
                mode: .embedded,
                demo: demo,
                filesAPI: "sandbox"
            ),
            toolMetrics: Dictionary(uniqueKeysWithValues: tools.map { ($0.toolName, $0) }),
            cacheMetrics: caches,
            systemMetrics: SystemMetrics(
                activeSessions: 1,
                concurrentRequests: 2,
                totalRequests: tools.reduce(0) { $0 + $1.totalCalls },
                startTime: now.timeIntervalSince1970 - 3_725,
                uptimeSeconds: 3_725
            ),
            uploadMetrics: uploads
        )
    }

    /// A state with `snapshot`, rates and a p95 history for every tool in it.
    static func state(
        _ snapshot: MetricsSnapshot?,
        connection: ConnectionStatus = .connected,
        ui: UIState = UIState()
    )
        -> DashboardState
    {
        var rates: [String: Double] = [:]
        var history: [String: ToolHistory] = [:]
        for (index, (name, tool)) in (snapshot?.toolMetrics ?? [:]).sorted(by: { $0.key < $1.key }).enumerated() {
            rates[name] = Double(tool.totalCalls % 97) / 10
            history[name] = ToolHistory(
                p95: (0..<80).map { step -> Double in
                    let wobble = Double((step * 7 + index * 3) % 11) / 10
                    return tool.p95LatencyMs * (0.6 + 0.4 * wobble)
                },
                callRate: (0..<80).map { step in Double((step + index) % 9) }
            )
        }
        return DashboardState(
            snapshot: snapshot,
            target: "127.0.0.1:9109",
            connection: connection,
            callRates: rates,
            history: history,
            totalCallsPerSecond: snapshot == nil ? nil : rates.values.reduce(0, +),
            intervalHitRates: snapshot == nil ? [:] : ["semantic_cache": 71.5],
            ui: ui,
            now: now,
            clockZone: .utc
        )
    }

    static let threeTools = [
        tool(
            "chat",
            calls: 1_204,
            failed: 7,
            p50: 182,
            p95: 640,
            p99: 1_250,
            errors: ["timeout": 4, "rate_limited": 3]
        ),
        tool("thinkdeep", calls: 310, failed: 22, p50: 1_450, p95: 3_900, p99: 6_100, errors: ["provider_error": 22]),
        tool("codereview", calls: 88, p50: 95.5, p95: 240, p99: 310),
    ]

    /// 50 tools with varied figures.
    static let fiftyTools: [ToolMetrics] = (0..<50).map { index in
        let calls = (index * 7_919) % 5_000 + 10
        let failed = index % 6 == 0 ? calls / (10 + index) : 0
        let p50 = Double((index * 37) % 900 + 5)
        return tool(
            "tool_\(index < 10 ? "0" : "")\(index)_" + ["alpha", "beta", "gamma", "delta", "epsilon"][index % 5],
            calls: calls,
            failed: failed,
            p50: p50,
            p95: p50 * 2.5,
            p99: p50 * 4,
            errors: failed > 0 ? ["timeout": failed] : [:]
        )
    }

    static let unicodeTools = [
        tool("翻訳ツール", calls: 42, p50: 120, p95: 300, p99: 480),
        tool("🚀launch_rocket", calls: 7, p50: 30, p95: 90, p99: 95),
        tool("cafe\u{301}_nai\u{308}ve", calls: 1_000, p50: 2.5, p95: 8.75, p99: 9.99),
        tool(
            "データ分析_とても長い名前のツール_with_a_tail",
            calls: 5,
            failed: 1,
            p50: 800,
            p95: 2_500,
            p99: 2_600,
            errors: ["タイムアウト": 1]
        ),
        tool("plain", calls: 3, p50: 10, p95: 20, p99: 30),
    ]

    static let uploads = UploadMetrics(
        maxParallel: 3,
        inFlight: 3,
        queued: 1,
        completed: 4,
        failed: 1,
        cached: 1,
        bytesSent: 48_200_000,
        recent: [
            UploadRecord(
                id: "u1",
                file: "report-2025.pdf",
                state: .done,
                bytesTotal: 10_000_000,
                bytesSent: 10_000_000,
                fileID: "file-abc123",
                startedAt: 1_764_000_000,
                finishedAt: 1_764_000_004.25
            ),
            UploadRecord(
                id: "u2",
                file: "notes.txt",
                state: .cached,
                bytesTotal: 2_048,
                bytesSent: 0,
                fileID: "file-def456",
                startedAt: 1_764_000_001,
                finishedAt: 1_764_000_001.012
            ),
            UploadRecord(
                id: "u3",
                file: "huge.bin",
                state: .failed,
                bytesTotal: 150_000_000,
                bytesSent: 0,
                error: "file too large: 150 MB > 100 MB limit",
                startedAt: 1_764_000_002,
                finishedAt: 1_764_000_002.003
            ),
            UploadRecord(
                id: "u4",
                file: "empty.txt",
                state: .skipped,
                bytesTotal: 0,
                bytesSent: 0,
                error: "empty file"
            ),
            UploadRecord(
                id: "u5",
                file: "dataset.csv",
                state: .uploading,
                bytesTotal: 25_000_000,
                bytesSent: 11_250_000
            ),
            UploadRecord(id: "u6", file: "slides.pptx", state: .hashing, bytesTotal: 8_000_000, bytesSent: 0),
            UploadRecord(id: "u7", file: "scan.png", state: .processing, bytesTotal: 3_500_000, bytesSent: 3_500_000),
            UploadRecord(id: "u8", file: "archive.zip", state: .queued, bytesTotal: 60_000_000, bytesSent: 0),
        ]
    )
}
