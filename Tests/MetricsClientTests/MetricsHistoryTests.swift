import Foundation
import MetricsClient
import MetricsWire
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

    @Test("calls/s over a sliding window is steady for a tool called every two seconds; a reset restarts it")
    func slidingRate() throws {
        var history = MetricsHistory(length: 60)
        // One call every two seconds, polled every second: one-interval rates jump between 0 and 1.
        var calls = 0
        for second in 0..<30 {
            if second % 2 == 0 { calls += 1 }
            if second == 25 { calls = 1 }
            let snapshot = Fixtures.snapshot(at: Double(second), tools: [Fixtures.tool("slow", calls: calls, p95: 1)])
            history.record(snapshot, derived: nil, at: Date(timeIntervalSince1970: Double(1_000 + second)))
            let series = try #require(history.tools["slow"])
            if second == 0 {
                #expect(series.callsPerSecond(over: 10) == nil)
            } else if (12..<25).contains(second) {
                let rate = try #require(series.callsPerSecond(over: 10))
                #expect(abs(rate - 0.5) <= 0.051, "second \(second): \(rate)")
            }
        }
        // After the reset at 25 only the points since count: 25…29 with calls 1, 2, 2, 3, 3 → 2 calls in 4 s.
        let after = try #require(history.tools["slow"]?.callsPerSecond(over: 10))
        #expect(abs(after - 0.5) < 0.001, "\(after)")
        #expect(history.tools["slow"]?.time.values.count == 30)
    }

    @Test(
        "a tool that appears while the server is watched counts its first calls at once; one there from the start does not"
    )
    func newToolRate() throws {
        var history = MetricsHistory(length: 60)
        func poll(_ second: Int, _ tools: [ToolMetrics]) {
            history.record(
                Fixtures.snapshot(at: Double(second), tools: tools),
                derived: nil,
                at: Date(timeIntervalSince1970: Double(1_000 + second))
            )
        }
        // "old" has 40 calls from before the dashboard started: they are no rate.
        poll(0, [Fixtures.tool("old", calls: 40)])
        #expect(history.tools["old"]?.callsPerSecond(over: 10) == nil)
        poll(1, [Fixtures.tool("old", calls: 40)])
        #expect(history.tools["old"]?.callsPerSecond(over: 10) == 0)
        // "new" is called once between the polls at 1 and 2 s: 1 call over that second, then over the window.
        poll(2, [Fixtures.tool("old", calls: 40), Fixtures.tool("new", calls: 1)])
        #expect(try #require(history.tools["new"]?.callsPerSecond(over: 10)) == 1)
        for second in 3...11 { poll(second, [Fixtures.tool("old", calls: 40), Fixtures.tool("new", calls: 1)]) }
        let spread = try #require(history.tools["new"]?.callsPerSecond(over: 10))
        #expect(abs(spread - 0.1) < 0.001, "\(spread)")
        // Once the absent point is out of the window, the call is too.
        for second in 12...13 { poll(second, [Fixtures.tool("old", calls: 40), Fixtures.tool("new", calls: 1)]) }
        #expect(history.tools["new"]?.callsPerSecond(over: 10) == 0)
        // A tool that was listed but not tracked (over the limit) is not new when it is tracked.
        var bounded = MetricsHistory(length: 10, maxTools: 1)
        bounded.record(
            Fixtures.snapshot(at: 1, tools: [Fixtures.tool("a", calls: 9), Fixtures.tool("b", calls: 5)]),
            derived: nil,
            at: Date(timeIntervalSince1970: 1)
        )
        bounded.record(
            Fixtures.snapshot(at: 2, tools: [Fixtures.tool("b", calls: 5)]),
            derived: nil,
            at: Date(timeIntervalSince1970: 2)
        )
        #expect(bounded.tools["b"]?.absentAt == nil && bounded.tools["b"]?.callsPerSecond(over: 10) == nil)
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

    @Test("a series' newest values, oldest first, at every fill and wrap of its ring")
    func suffixes() {
        for filled in 0...12 {
            var series = HistorySeries(capacity: 5)
            for value in 0..<filled { series.append(Double(value)) }
            let kept = (0..<filled).suffix(5).map(Double.init)
            for count in 0...7 {
                #expect(series.suffix(count) == Array(kept.suffix(count)), "\(filled) appended, \(count) wanted")
            }
        }
    }
}
