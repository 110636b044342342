import Foundation
import MetricsClient
import MetricsWire
import Testing

@Suite("Snapshot JSON writer")
struct SnapshotJSONTests {
    static func foundation(_ snapshot: MetricsSnapshot) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(snapshot), as: UTF8.self)
    }

    static func tool(_ name: String, seed: Double) -> ToolMetrics {
        ToolMetrics(
            toolName: name,
            totalCalls: 1_000_000_007,
            successfulCalls: 999,
            failedCalls: 0,
            successRate: 99.99,
            avgLatencyMs: seed * 1.5,
            p50LatencyMs: 0.1,
            p95LatencyMs: 5.0,
            p99LatencyMs: 1e-7,
            minLatencyMs: 0,
            maxLatencyMs: 3_600_000,
            errorTypes: ["timeout": 3, "rate_limited": 12, "quote\"slash/back\\": 1, "unknown": Int.max],
            windowSamples: 1000,
            lifetime: LifetimePercentiles(p50Ms: 12.34, p95Ms: 1e21, p99Ms: -0.0, p999Ms: 123_456_789.125)
        )
    }

    /// Every optional field set, names that need escaping, and numbers JSON writers disagree about.
    static let full = MetricsSnapshot(
        schemaVersion: 1,
        enabled: true,
        timestamp: 1_764_272_000.123456,
        engine: EngineInfo(
            name: "engine",
            version: "1.2.3/dev",
            mode: .other("sandbox"),
            demo: false,
            filesAPI: "http://x/y"
        ),
        toolMetrics: [
            "tool_1": tool("tool_1", seed: 1),
            "tool_10": tool("tool_10", seed: 10),
            "tool_2": tool("tool_2", seed: 2.5),
            "naïve\u{1}\n\t\r\u{8}\u{c}😀": tool("naïve\u{1}\n\t\r\u{8}\u{c}😀", seed: 0.003),
            "Upper": tool("Upper", seed: 7),
        ],
        cacheMetrics: [
            "semantic_cache": CacheMetrics(
                cacheName: "semantic_cache",
                hits: 5,
                misses: 7,
                evictions: 1,
                sizeRejections: 2,
                expirations: 3,
                coalesced: 4,
                entries: 9,
                maxEntries: 1000,
                bytes: 123,
                maxBytes: 1 << 30
            ),
            "file_ids": CacheMetrics(cacheName: "file_ids", hits: 0, misses: 0),
        ],
        systemMetrics: SystemMetrics(
            activeSessions: 2,
            concurrentRequests: -1,
            totalRequests: 42,
            startTime: 1_764_271_000.5,
            uptimeSeconds: 999.99,
            rssBytes: 52_428_800,
            rejectedSamples: 3,
            clampedSamples: 0
        ),
        uploadMetrics: UploadMetrics(
            maxParallel: 3,
            inFlight: 1,
            queued: 2,
            completed: 3,
            failed: 1,
            cached: 1,
            bytesSent: 1 << 33,
            recent: [
                UploadRecord(
                    id: "u1",
                    file: "/tmp/a \"b\".pdf",
                    state: .done,
                    bytesTotal: 10,
                    bytesSent: 10,
                    fileID: "file-abc",
                    error: nil,
                    startedAt: 1.25,
                    finishedAt: 2
                ),
                UploadRecord(
                    id: "u2",
                    file: "b.txt",
                    state: .failed,
                    bytesTotal: 0,
                    bytesSent: 0,
                    fileID: nil,
                    error: "HTTP 429: slow down\nretry later",
                    startedAt: nil,
                    finishedAt: nil
                ),
            ]
        )
    )

    @Test("writes exactly the bytes JSONEncoder with sorted keys writes, every optional field set")
    func matchesFoundationFull() throws {
        let ours = String(decoding: Self.full.encodedJSON(), as: UTF8.self)
        #expect(ours == (try Self.foundation(Self.full)))
        // And it reads back as the same snapshot.
        let decoded = try JSONDecoder().decode(MetricsSnapshot.self, from: Data(Self.full.encodedJSON()))
        #expect(decoded == Self.full)
    }

    @Test("leaves out absent optionals as JSONEncoder does")
    func matchesFoundationSparse() throws {
        let sparse = MetricsSnapshot(
            schemaVersion: nil,
            enabled: false,
            timestamp: 0,
            systemMetrics: SystemMetrics(
                activeSessions: 0,
                concurrentRequests: 0,
                totalRequests: 0,
                startTime: 0,
                uptimeSeconds: 0
            )
        )
        #expect(String(decoding: sparse.encodedJSON(), as: UTF8.self) == (try Self.foundation(sparse)))
        var noUploads = Self.full
        noUploads.uploadMetrics = UploadMetrics(maxParallel: 3)
        noUploads.engine = nil
        #expect(String(decoding: noUploads.encodedJSON(), as: UTF8.self) == (try Self.foundation(noUploads)))
    }

    @Test("random latencies format as JSONEncoder formats them")
    func randomNumbers() throws {
        var random = SystemRandomNumberGenerator()
        var snapshot = Self.full
        for index in 0..<200 {
            var tool = Self.tool("t\(index)", seed: 1)
            tool.avgLatencyMs = Double.random(in: 0...1e6, using: &random)
            tool.p50LatencyMs = (Double.random(in: 0...1e5, using: &random) * 100).rounded() / 100
            tool.p95LatencyMs = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF)
            snapshot.toolMetrics["t\(index)"] = tool
        }
        #expect(String(decoding: snapshot.encodedJSON(), as: UTF8.self) == (try Self.foundation(snapshot)))
    }
}
