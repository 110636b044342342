import Foundation
import MetricsClient
import MetricsWire
import Testing

@Suite("MetricsSnapshot wire format")
struct MetricsSnapshotTests {
    /// What the Python original's endpoint sends: the compat fields only, `indent=2`.
    static let pythonOriginal = """
        {
          "enabled": true,
          "timestamp": 1760000000.5,
          "tool_metrics": {
            "chat": {
              "tool_name": "chat",
              "total_calls": 10,
              "successful_calls": 9,
              "failed_calls": 1,
              "success_rate": 90.0,
              "avg_latency_ms": 120.5,
              "p50_latency_ms": 100.0,
              "p95_latency_ms": 300.0,
              "p99_latency_ms": 310.0,
              "min_latency_ms": 50.0,
              "max_latency_ms": 310.0,
              "error_types": {"timeout": 1}
            }
          },
          "cache_metrics": {
            "semantic_cache": {
              "cache_name": "semantic_cache",
              "hits": 3,
              "misses": 1,
              "total_requests": 4,
              "hit_rate": 75.0,
              "evictions": 0,
              "size_rejections": 0
            }
          },
          "system_metrics": {
            "active_sessions": 0,
            "concurrent_requests": 0,
            "total_requests": 10,
            "start_time": 1759990000.0,
            "uptime_seconds": 10000.5,
            "uptime_hours": 2.78
          }
        }
        """

    @Test("the Python original's document decodes with the compat fields alone")
    func pythonShape() throws {
        let snapshot = try JSONDecoder().decode(MetricsSnapshot.self, from: Data(Self.pythonOriginal.utf8))
        #expect(snapshot.enabled)
        #expect(snapshot.schemaVersion == nil && snapshot.engine == nil && snapshot.uploadMetrics == nil)
        let chat = try #require(snapshot.toolMetrics["chat"])
        #expect(chat.totalCalls == 10 && chat.p95LatencyMs == 300 && chat.errorTypes == ["timeout": 1])
        #expect(chat.lifetime == nil && chat.windowSamples == nil)
        #expect(snapshot.cacheMetrics["semantic_cache"]?.hitRate == 75)
        #expect(snapshot.cacheMetrics["semantic_cache"]?.entries == nil)
        #expect(snapshot.systemMetrics.uptimeHours == 2.78)
        #expect(snapshot.systemMetrics.rssBytes == nil)
    }

    @Test("a full snapshot encodes with the schema's names and decodes to the same value")
    func roundTrip() throws {
        let snapshot = MetricsSnapshot(
            timestamp: 1_800_000_000,
            engine: EngineInfo(
                name: "dashboard-engine",
                version: "0.1.0",
                mode: .serve,
                demo: true,
                filesAPI: "sandbox"
            ),
            toolMetrics: [
                "chat": ToolMetrics(
                    toolName: "chat",
                    totalCalls: 2,
                    successfulCalls: 1,
                    failedCalls: 1,
                    successRate: 50,
                    avgLatencyMs: 1.5,
                    p50LatencyMs: 1,
                    p95LatencyMs: 2,
                    p99LatencyMs: 2,
                    minLatencyMs: 1,
                    maxLatencyMs: 2,
                    errorTypes: ["unknown": 1],
                    windowSamples: 2,
                    lifetime: LifetimePercentiles(p50Ms: 1, p95Ms: 2, p99Ms: 2, p999Ms: 2)
                )
            ],
            cacheMetrics: ["file_cache": CacheMetrics(cacheName: "file_cache", hits: 1, misses: 2, entries: 3)],
            systemMetrics: SystemMetrics(
                activeSessions: 1,
                concurrentRequests: 2,
                totalRequests: 3,
                startTime: 1,
                uptimeSeconds: 7200
            ),
            uploadMetrics: UploadMetrics(
                maxParallel: 3,
                recent: [
                    UploadRecord(id: "u1", file: "a.txt", state: .done, bytesTotal: 10, bytesSent: 10, fileID: "f")
                ]
            )
        )
        let data = try JSONEncoder().encode(snapshot)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys).isSuperset(of: ["enabled", "timestamp", "tool_metrics", "cache_metrics", "system_metrics"])
        )
        let tool = try #require((object["tool_metrics"] as? [String: Any])?["chat"] as? [String: Any])
        for name in [
            "tool_name", "total_calls", "successful_calls", "failed_calls", "success_rate", "avg_latency_ms",
            "p50_latency_ms", "p95_latency_ms", "p99_latency_ms", "min_latency_ms", "max_latency_ms", "error_types",
        ] {
            #expect(tool[name] != nil, "missing \(name)")
        }
        let cache = try #require((object["cache_metrics"] as? [String: Any])?["file_cache"] as? [String: Any])
        #expect(cache["hit_rate"] as? Double == 33.33)
        #expect(cache["total_requests"] as? Int == 3)
        let system = try #require(object["system_metrics"] as? [String: Any])
        #expect(system["uptime_hours"] as? Double == 2)
        #expect(try JSONDecoder().decode(MetricsSnapshot.self, from: data) == snapshot)
    }

    @Test("rounding: two decimals, percentages of zero wholes are zero, non-finite values become zero")
    func rounding() {
        #expect(MetricsRounding.twoDecimals(1.005) == 1 || MetricsRounding.twoDecimals(1.005) == 1.01)
        #expect(MetricsRounding.twoDecimals(2.344) == 2.34)
        #expect(MetricsRounding.percent(1, of: 3) == 33.33)
        #expect(MetricsRounding.percent(0, of: 0) == 0)
        #expect(MetricsRounding.twoDecimals(.nan) == 0)
    }
}
