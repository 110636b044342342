import Foundation
import MetricsClient
import MetricsWire

/// Small snapshots built in code, for the decoder, the rates and the history.
enum Fixtures {
    static func tool(_ name: String, calls: Int, failed: Int = 0, p95: Double = 10) -> ToolMetrics {
        ToolMetrics(
            toolName: name,
            totalCalls: calls,
            successfulCalls: calls - failed,
            failedCalls: failed,
            successRate: MetricsRounding.percent(calls - failed, of: calls),
            avgLatencyMs: p95 / 2,
            p50LatencyMs: p95 / 2,
            p95LatencyMs: p95,
            p99LatencyMs: p95,
            minLatencyMs: 1,
            maxLatencyMs: p95,
            errorTypes: failed > 0 ? ["timeout": failed] : [:]
        )
    }

    static func snapshot(
        at timestamp: Double,
        started: Double = 1_000,
        tools: [ToolMetrics] = [],
        caches: [CacheMetrics] = [],
        uploadedBytes: Int? = nil
    ) -> DecodedSnapshot {
        DecodedSnapshot(
            snapshot: MetricsSnapshot(
                schemaVersion: nil,
                timestamp: timestamp,
                toolMetrics: Dictionary(uniqueKeysWithValues: tools.map { ($0.toolName, $0) }),
                cacheMetrics: Dictionary(uniqueKeysWithValues: caches.map { ($0.cacheName, $0) }),
                systemMetrics: SystemMetrics(
                    activeSessions: 0,
                    concurrentRequests: 0,
                    totalRequests: tools.reduce(0) { $0 + $1.totalCalls },
                    startTime: started,
                    uptimeSeconds: timestamp - started
                ),
                uploadMetrics: uploadedBytes.map { UploadMetrics(maxParallel: 3, bytesSent: $0) }
            )
        )
    }

    /// The Python original's document for `snapshot`, as its server sends it (`indent=2`).
    static func python(_ snapshot: DecodedSnapshot) -> String {
        PythonJSON.original(snapshot.snapshot).dumps()
    }

    static func decode(_ text: String) throws(PollError) -> DecodedSnapshot {
        try SnapshotDecoder().decode(Data(text.utf8), contentType: "application/json", receivedAt: 1_234)
    }
}
