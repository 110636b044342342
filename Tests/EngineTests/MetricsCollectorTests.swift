import Engine
import Foundation
import MetricsClient
import MetricsWire
import Testing

@Suite("MetricsCollector")
struct MetricsCollectorTests {
    @Test("2 threads × 100 000 records give exact counts, on one tool and on two")
    func concurrentCounts() async throws {
        let collector = MetricsCollector()
        let shared = collector.tool("shared")
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<2 {
                group.addTask {
                    let own = collector.tool("own-\(thread)")
                    for index in 0..<100_000 {
                        let success = index % 10 != 0
                        shared.record(
                            latencyMs: Double(index % 100),
                            success: success,
                            errorType: success ? nil : "timeout"
                        )
                        own.record(latencyMs: 1, success: true)
                    }
                }
            }
        }
        let snapshot = collector.snapshot(maxAge: .zero)
        let metrics = try #require(snapshot.toolMetrics["shared"])
        #expect(metrics.totalCalls == 200_000)
        #expect(metrics.successfulCalls == 180_000)
        #expect(metrics.failedCalls == 20_000)
        #expect(metrics.errorTypes == ["timeout": 20_000])
        #expect(metrics.successRate == 90)
        #expect(snapshot.toolMetrics["own-0"]?.totalCalls == 100_000)
        #expect(snapshot.toolMetrics["own-1"]?.totalCalls == 100_000)
        #expect(snapshot.systemMetrics.totalRequests == 400_000)
    }

    @Test(
        "the window's histogram counts each latency in its bucket, bounds inclusive, and forgets what left the window"
    )
    func windowHistogram() throws {
        let collector = MetricsCollector(configuration: MetricsConfiguration(windowSize: 4))
        for latency in [0.02, 0.025, 3, 700] { collector.record(tool: "t", latencyMs: latency, success: true) }
        var histogram = try #require(collector.toolMetrics("t")?.windowHistogram)
        // Trimmed to the buckets from ≤ 25 µs to ≤ 1 s; the overflow bucket is empty.
        #expect(histogram.upperBoundsMs.first == 0.025 && histogram.upperBoundsMs.last == 1000)
        #expect(histogram.isWellFormed && histogram.total == 4 && histogram.counts.last == 0)
        #expect(histogram.counts[0] == 2, "0.02 and 0.025 are both ≤ 0.025 ms")
        #expect(histogram.counts[histogram.upperBoundsMs.firstIndex(of: 5)!] == 1)
        #expect(histogram.counts[histogram.upperBoundsMs.firstIndex(of: 1000)!] == 1)
        // Two more calls push the two fastest out of the window of 4.
        collector.record(tool: "t", latencyMs: 400_000, success: true)
        collector.record(tool: "t", latencyMs: 4, success: true)
        histogram = try #require(collector.toolMetrics("t")?.windowHistogram)
        #expect(histogram.total == 4 && histogram.upperBoundsMs.first == 5 && histogram.counts.last == 1)
        #expect(histogram.counts[0] == 2, "3 ms and 4 ms")
        // The Prometheus buckets still count every call since start.
        let distribution = try #require(collector.latencyDistributions().first { $0.tool == "t" })
        #expect(distribution.count == 6 && distribution.outcomes.first?.buckets.first?.count == 2)
    }

    @Test("trimming keeps the meaning: the same calls in the same buckets, none outside")
    func trimming() {
        let full = LatencyBuckets(upperBoundsMs: [1, 2, 3, 4], counts: [0, 5, 0, 2, 0])
        #expect(full.trimmed() == LatencyBuckets(upperBoundsMs: [2, 3, 4], counts: [5, 0, 2, 0]))
        let overflow = LatencyBuckets(upperBoundsMs: [1, 2], counts: [0, 1, 3])
        #expect(overflow.trimmed() == LatencyBuckets(upperBoundsMs: [2], counts: [1, 3]))
        #expect(
            LatencyBuckets(upperBoundsMs: [1], counts: [0, 0]).trimmed()
                == LatencyBuckets(upperBoundsMs: [], counts: [0])
        )
    }

    @Test("failures are broken down by type; a failure without a type is unknown")
    func errorTypes() throws {
        let collector = MetricsCollector()
        collector.record(tool: "chat", latencyMs: 5, success: false, errorType: "timeout")
        collector.record(tool: "chat", latencyMs: 5, success: false, errorType: "timeout")
        collector.record(tool: "chat", latencyMs: 5, success: false)
        collector.record(tool: "chat", latencyMs: 5, success: true)
        let metrics = try #require(collector.toolMetrics("chat"))
        #expect(metrics.errorTypes == ["timeout": 2, "unknown": 1])
        #expect(metrics.successRate == 25)
        #expect(metrics.avgLatencyMs == 5)
    }

    @Test(
        "NaN, infinite and negative latencies are refused and counted, never reaching the percentiles",
        arguments: [Double.nan, .infinity, -.infinity, -1, -0.001]
    )
    func badLatencies(latency: Double) throws {
        let collector = MetricsCollector()
        collector.record(tool: "t", latencyMs: 10, success: true)
        collector.record(tool: "t", latencyMs: latency, success: true)
        let snapshot = collector.snapshot(maxAge: .zero)
        let metrics = try #require(snapshot.toolMetrics["t"])
        #expect(metrics.totalCalls == 1)
        #expect(metrics.p99LatencyMs == 10 && metrics.minLatencyMs == 10 && metrics.maxLatencyMs == 10)
        #expect(snapshot.systemMetrics.rejectedSamples == 1)
    }

    @Test("a latency above an hour is clamped to an hour and counted")
    func hugeLatency() throws {
        let collector = MetricsCollector()
        collector.record(tool: "t", latencyMs: 1e300, success: true)
        let snapshot = collector.snapshot(maxAge: .zero)
        let metrics = try #require(snapshot.toolMetrics["t"])
        #expect(metrics.maxLatencyMs == 3_600_000)
        #expect(metrics.p50LatencyMs == 3_600_000)
        #expect(metrics.lifetime?.p50Ms ?? 0 <= 3_600_000 * 1.01)
        #expect(snapshot.systemMetrics.clampedSamples == 1)
        // The JSON stays valid and finite.
        let json = try JSONEncoder().encode(snapshot)
        #expect(try JSONDecoder().decode(MetricsSnapshot.self, from: json) == snapshot)
    }

    @Test("tool names that are empty, huge or carry control characters are bounded and sanitised")
    func toolNames() throws {
        let collector = MetricsCollector()
        let long = String(repeating: "x", count: 10_240)
        let names = ["", "   ", long, "evil\u{1B}[2J\u{7}name", "line\nbreak", "工具🔧", "  padded  "]
        for name in names {
            collector.record(tool: name, latencyMs: 1, success: false, errorType: "bad\u{0}type\u{1B}")
        }
        let snapshot = collector.snapshot(maxAge: .zero)
        let stored = Set(snapshot.toolMetrics.keys)
        #expect(stored.contains("(unnamed)"))
        #expect(snapshot.toolMetrics["(unnamed)"]?.totalCalls == 2)
        #expect(stored.contains("工具🔧"))
        #expect(stored.contains("padded"))
        for name in stored {
            #expect(name.count <= 97)
            #expect(!name.unicodeScalars.contains { $0.properties.generalCategory == .control })
        }
        #expect(stored.contains { $0.hasPrefix("xxxx") && $0.hasSuffix("…") })
        #expect(stored.contains("evil\u{FFFD}[2J\u{FFFD}name"))
        let errors = snapshot.toolMetrics["padded"]?.errorTypes ?? [:]
        #expect(errors == ["bad\u{FFFD}type\u{FFFD}": 1])
        // The same raw name keeps landing on the same tool.
        collector.record(tool: long, latencyMs: 1, success: true)
        #expect(collector.snapshot(maxAge: .zero).toolMetrics.count == stored.count)
    }

    @Test("past the tool limit, new names share one overflow tool instead of growing without bound")
    func toolCardinality() throws {
        let collector = MetricsCollector(configuration: MetricsConfiguration(maxTools: 10))
        for index in 0..<1000 {
            collector.record(tool: "tool-\(index)", latencyMs: 1, success: true)
        }
        let snapshot = collector.snapshot(maxAge: .zero)
        #expect(snapshot.toolMetrics.count == 11)
        #expect(snapshot.toolMetrics[MetricsConfiguration.overflowToolName]?.totalCalls == 990)
    }

    @Test("error types per tool are bounded too")
    func errorTypeCardinality() throws {
        let collector = MetricsCollector(configuration: MetricsConfiguration(maxErrorTypesPerTool: 3))
        for index in 0..<50 {
            collector.record(tool: "t", latencyMs: 1, success: false, errorType: "e\(index)")
        }
        let errors = try #require(collector.toolMetrics("t")?.errorTypes)
        #expect(errors.count == 4)
        #expect(errors["other"] == 47)
    }

    @Test("a snapshot is reused for up to 250 ms, then recomputed")
    func snapshotCache() async throws {
        let collector = MetricsCollector()
        collector.record(tool: "t", latencyMs: 1, success: true)
        let first = collector.snapshot()
        collector.record(tool: "t", latencyMs: 1, success: true)
        let second = collector.snapshot()
        #expect(second == first)
        #expect(second.toolMetrics["t"]?.totalCalls == 1)
        try await Task.sleep(for: .milliseconds(300))
        #expect(collector.snapshot().toolMetrics["t"]?.totalCalls == 2)
    }

    @Test("the refresher keeps the shared snapshot current ahead of readers")
    func refresher() async throws {
        let collector = MetricsCollector(configuration: MetricsConfiguration(snapshotMaxAge: .milliseconds(100)))
        let refresher = Task { await collector.runSnapshotRefresher() }
        defer { refresher.cancel() }
        _ = collector.snapshot()
        collector.record(tool: "t", latencyMs: 1, success: true)
        // A reader that accepts any age gets the cached snapshot as it is, never a recomputed one: only the
        // refresher can make the new call appear in it.
        var calls: Int?
        let deadline = ContinuousClock.now + .seconds(30)
        while calls == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            calls = collector.snapshot(maxAge: .seconds(3600)).toolMetrics["t"]?.totalCalls
        }
        #expect(calls == 1)
    }

    @Test("disabled metrics record nothing and say so")
    func disabled() {
        let collector = MetricsCollector(configuration: MetricsConfiguration(enabled: false))
        collector.record(tool: "t", latencyMs: 1, success: true)
        collector.cache("semantic_cache").hit()
        let snapshot = collector.snapshot(maxAge: .zero)
        #expect(!snapshot.enabled)
        #expect(snapshot.toolMetrics.isEmpty)
        #expect(snapshot.cacheMetrics.isEmpty)
    }

    @Test("system metrics: in-flight and session gauges, uptime, resident memory")
    func systemMetrics() async throws {
        let collector = MetricsCollector()
        collector.requestStarted()
        collector.requestStarted()
        collector.sessionOpened()
        var system = collector.snapshot(maxAge: .zero).systemMetrics
        #expect(system.concurrentRequests == 2)
        #expect(system.activeSessions == 1)
        collector.requestFinished()
        let inside = await collector.trackingRequest {
            collector.snapshot(maxAge: .zero).systemMetrics.concurrentRequests
        }
        #expect(inside == 2)
        system = collector.snapshot(maxAge: .zero).systemMetrics
        #expect(system.concurrentRequests == 1)
        #expect(system.uptimeSeconds >= 0)
        #expect(abs(system.startTime - Date().timeIntervalSince1970) < 60)
        #expect((system.rssBytes ?? 0) > 1_000_000)
    }

    @Test("cache counters reach the snapshot with their hit rate")
    func cacheCounters() throws {
        let collector = MetricsCollector()
        let cache = collector.cache("file_cache")
        cache.hit()
        cache.hit()
        cache.hit()
        cache.miss()
        cache.evicted(2)
        cache.setSize(entries: 5, bytes: nil)
        let metrics = try #require(collector.snapshot(maxAge: .zero).cacheMetrics["file_cache"])
        #expect(metrics.hits == 3 && metrics.misses == 1 && metrics.totalRequests == 4)
        #expect(metrics.hitRate == 75)
        #expect(metrics.evictions == 2)
        #expect(metrics.entries == 5)
        #expect(metrics.bytes == nil)
    }

    @Test("reset zeroes counters but keeps handles working")
    func reset() throws {
        let collector = MetricsCollector()
        let handle = collector.tool("t")
        handle.record(latencyMs: 1, success: true)
        collector.cache("c").hit()
        collector.reset()
        var snapshot = collector.snapshot(maxAge: .zero)
        #expect(snapshot.toolMetrics.isEmpty)
        #expect(snapshot.cacheMetrics["c"]?.hits == 0)
        handle.record(latencyMs: 2, success: true)
        snapshot = collector.snapshot(maxAge: .zero)
        #expect(snapshot.toolMetrics["t"]?.totalCalls == 1)
        #expect(snapshot.toolMetrics["t"]?.minLatencyMs == 2)
    }

    @Test("Duration latencies are recorded in milliseconds")
    func durations() throws {
        let collector = MetricsCollector()
        collector.record(tool: "t", latency: .microseconds(2500), success: true)
        #expect(collector.toolMetrics("t")?.p50LatencyMs == 2.5)
    }
}
