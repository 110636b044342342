import MetricsClient
import MetricsWire
import Testing

@Suite("DerivedMetrics: rates between consecutive snapshots")
struct DerivedMetricsTests {
    @Test("calls/s per tool and in total, interval hit rate, upload MB/s over the server's interval")
    func rates() throws {
        let before = Fixtures.snapshot(
            at: 100,
            tools: [Fixtures.tool("chat", calls: 10, failed: 1), Fixtures.tool("debug", calls: 4)],
            caches: [CacheMetrics(cacheName: "semantic_cache", hits: 10, misses: 10)],
            uploadedBytes: 1_000_000
        )
        let after = Fixtures.snapshot(
            at: 102,
            tools: [
                Fixtures.tool("chat", calls: 30, failed: 3), Fixtures.tool("debug", calls: 4),
                Fixtures.tool("new", calls: 2),
            ],
            caches: [CacheMetrics(cacheName: "semantic_cache", hits: 16, misses: 12)],
            uploadedBytes: 6_000_000
        )
        let derived = try #require(DerivedMetrics.between(before, after, receivedInterval: 99))
        #expect(derived.interval == 2)
        #expect(derived.tools["chat"] == ToolRates(calls: 20, failures: 2, callsPerSecond: 10, failuresPerSecond: 1))
        #expect(derived.tools["chat"]?.intervalSuccessRate == 90)
        #expect(derived.tools["debug"]?.callsPerSecond == 0 && derived.tools["debug"]?.intervalSuccessRate == nil)
        #expect(derived.tools["new"]?.calls == 2)
        #expect(derived.totalCallsPerSecond == 11)
        #expect(derived.caches["semantic_cache"]?.intervalHitRate == 75)
        #expect(derived.caches["semantic_cache"]?.requestsPerSecond == 4)
        #expect(derived.uploadMegabytesPerSecond == 2.5)
        #expect(!derived.counterReset && !derived.serverRestarted)
    }

    @Test("a counter that went down is a reset: it counts from zero, never a negative rate")
    func reset() throws {
        let before = Fixtures.snapshot(
            at: 100,
            tools: [Fixtures.tool("chat", calls: 500)],
            caches: [CacheMetrics(cacheName: "c", hits: 90, misses: 10)],
            uploadedBytes: 9_000_000
        )
        let after = Fixtures.snapshot(
            at: 101,
            tools: [Fixtures.tool("chat", calls: 3)],
            caches: [CacheMetrics(cacheName: "c", hits: 95, misses: 1)],
            uploadedBytes: 0
        )
        let derived = try #require(DerivedMetrics.between(before, after, receivedInterval: 1))
        #expect(derived.counterReset && !derived.serverRestarted)
        #expect(derived.tools["chat"]?.callsPerSecond == 3)
        #expect(derived.caches["c"]?.hits == 95 && derived.caches["c"]?.misses == 1)
        #expect(derived.uploadBytesPerSecond == 0)
        #expect(derived.tools.values.allSatisfy { $0.callsPerSecond >= 0 && $0.failuresPerSecond >= 0 })
    }

    @Test("a changed start_time is a restart even when every counter grew")
    func restart() throws {
        let before = Fixtures.snapshot(at: 100, started: 50, tools: [Fixtures.tool("chat", calls: 10)])
        let after = Fixtures.snapshot(at: 110, started: 105, tools: [Fixtures.tool("chat", calls: 40)])
        let derived = try #require(DerivedMetrics.between(before, after, receivedInterval: 10))
        #expect(derived.serverRestarted && derived.counterReset)
        #expect(derived.tools["chat"]?.calls == 40)
    }

    @Test("the same timestamp twice is no new data; a clock step back falls back to the receive interval")
    func timestamps() throws {
        let first = Fixtures.snapshot(at: 100, tools: [Fixtures.tool("chat", calls: 10)])
        #expect(DerivedMetrics.between(first, first, receivedInterval: 1) == nil)
        let stepped = Fixtures.snapshot(at: 90, tools: [Fixtures.tool("chat", calls: 14)])
        let derived = try #require(DerivedMetrics.between(first, stepped, receivedInterval: 2))
        #expect(derived.interval == 2 && derived.tools["chat"]?.callsPerSecond == 2)
        #expect(DerivedMetrics.between(first, stepped, receivedInterval: 0) == nil)
    }

    @Test("tools and caches with flagged values get no rate for the interval")
    func flaggedExcluded() throws {
        let before = Fixtures.snapshot(
            at: 1,
            tools: [Fixtures.tool("ok", calls: 1), Fixtures.tool("bad", calls: 1)],
            caches: [CacheMetrics(cacheName: "c", hits: 1, misses: 1)]
        )
        var after = Fixtures.snapshot(
            at: 2,
            tools: [Fixtures.tool("ok", calls: 3), Fixtures.tool("bad", calls: 0)],
            caches: [CacheMetrics(cacheName: "c", hits: 0, misses: 1)]
        )
        after.flaggedTools = ["bad"]
        after.flaggedCaches = ["c"]
        let derived = try #require(DerivedMetrics.between(before, after, receivedInterval: 1))
        #expect(derived.tools.keys.sorted() == ["ok"] && derived.caches.isEmpty)
        #expect(derived.totalCallsPerSecond == 2 && !derived.counterReset)
    }

    @Test("no lookups in the interval means no interval hit rate, not 0 %")
    func idleCache() throws {
        let cache = CacheMetrics(cacheName: "file_cache", hits: 5, misses: 5)
        let derived = try #require(
            DerivedMetrics.between(
                Fixtures.snapshot(at: 1, caches: [cache]),
                Fixtures.snapshot(at: 2, caches: [cache]),
                receivedInterval: 1
            )
        )
        #expect(derived.caches["file_cache"]?.intervalHitRate == nil)
        #expect(derived.uploadBytesPerSecond == nil)
    }
}
