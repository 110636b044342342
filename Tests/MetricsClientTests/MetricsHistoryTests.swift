import MetricsClient
import Testing

@Suite("MetricsHistory and HistorySeries: bounded series for sparklines")
struct MetricsHistoryTests {
    @Test("a series keeps the newest values, oldest first, and never grows past its capacity")
    func ringBuffer() {
        var series = HistorySeries(capacity: 3)
        #expect(series.values.isEmpty && series.latest == nil)
        for value in 1...7 { series.append(Double(value)) }
        #expect(series.values == [5, 6, 7] && series.latest == 7 && series.count == 3)
        var other = HistorySeries(capacity: 3)
        for value in 5...7 { other.append(Double(value)) }
        #expect(series == other)
    }

    @Test("per-tool p95 and calls/s, total calls/s, cache hit rate and upload MB/s are recorded")
    func recordsSeries() throws {
        var history = MetricsHistory(length: 4)
        var previous: DecodedSnapshot?
        for step in 0..<6 {
            let snapshot = Fixtures.snapshot(
                at: Double(100 + step),
                tools: [Fixtures.tool("chat", calls: step * 10, p95: Double(step))],
                caches: [CacheMetrics(cacheName: "c", hits: step * 3, misses: step)],
                uploadedBytes: step * 2_000_000
            )
            let derived = previous.flatMap { DerivedMetrics.between($0, snapshot, receivedInterval: 1) }
            history.record(snapshot, derived: derived)
            previous = snapshot
        }
        let chat = try #require(history.tools["chat"])
        #expect(chat.p95LatencyMs.values == [2, 3, 4, 5])
        #expect(chat.callsPerSecond.values == [10, 10, 10, 10])
        #expect(history.totalCallsPerSecond.values == [10, 10, 10, 10])
        #expect(history.cacheHitRate["c"]?.values == [75, 75, 75, 75])
        #expect(history.uploadMegabytesPerSecond.values == [2, 2, 2, 2])
    }

    @Test("only the busiest tools keep series when a server reports more than the limit; gone tools are dropped")
    func boundedTools() {
        var history = MetricsHistory(length: 10, maxTools: 3)
        let tools = (0..<10).map { Fixtures.tool("t\($0)", calls: $0) }
        history.record(Fixtures.snapshot(at: 1, tools: tools), derived: nil)
        #expect(Set(history.tools.keys) == ["t9", "t8", "t7"])
        history.record(Fixtures.snapshot(at: 2, tools: [Fixtures.tool("t1", calls: 1)]), derived: nil)
        #expect(Set(history.tools.keys) == ["t1"])
    }
}
