import Histogram
import Testing

@testable import Engine

@Suite("Lifetime histogram and window selection")
struct LatencyHistogramTests {
    /// The library the layout comes from, with the collector's settings.
    static func reference() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two)
    }

    static let perMille = [1, 10, 100, 250, 500, 750, 900, 950, 990, 999, 1000]

    @Test(
        "every quantile equals hdrhistogram-swift's valueAtPercentile",
        arguments: [1, 2, 3, 10, 255, 1_000, 20_000]
    )
    func matchesLibrary(count: Int) {
        var generator = SplitMix64(seed: UInt64(count) * 7919)
        var ours = LatencyHistogram<UInt64>()
        var theirs = Self.reference()
        for _ in 0..<count {
            // Spread over every bucket: 0 µs up to the trackable maximum.
            let value = (generator.next() % 4096) << (generator.next() % 21)
            ours.record(value)
            _ = theirs.record(Swift.min(value, 3_600_000_000))
        }
        let expected = Self.perMille.map { theirs.valueAtPercentile(Double($0) / 10) }
        #expect(ours.values(atPerMille: Self.perMille) == expected)
        #expect(ours.totalCount == UInt64(count))
    }

    @Test("bucket edges, zero, and values past an hour (clamped) land where the library puts them")
    func edges() {
        let values: [UInt64] = [0, 1, 127, 128, 255, 256, 257, 511, 512, 1_000_000, 3_599_999_999, 3_600_000_000]
        for value in values {
            var ours = LatencyHistogram<UInt64>()
            var theirs = Self.reference()
            ours.record(value)
            _ = theirs.record(value)
            #expect(ours.values(atPerMille: [500]) == [theirs.valueAtPercentile(50)], "value \(value)")
        }
        var clamped = LatencyHistogram<UInt64>()
        clamped.record(UInt64.max)
        #expect(clamped.values(atPerMille: [500, 1000]) == [3_600_000_000, 3_600_000_000])
        #expect(LatencyHistogram<UInt64>().values(atPerMille: [500, 990]) == [0, 0])
    }

    @Test("exposition buckets found through the histogram index equal comparing the latency with every bound")
    func exposureBuckets() throws {
        var generator = SplitMix64(seed: 11)
        var latencies: [Double] = [0, 0.0004, 0.0005, 3_600_000]
        for bound in ToolStatistics.bucketBoundsMs {
            // At each bound, a hair either side, and a few microseconds around it.
            latencies += [bound, bound.nextUp, bound.nextDown, bound - 0.0005, bound + 0.0005]
            latencies += (-8...8).map { bound + Double($0) * 0.001 }
        }
        for _ in 0..<20_000 { latencies.append(Double(generator.next() % 400_000_000) / 1000) }
        for latency in latencies {
            var stats = ToolStatistics(windowSize: 4, maxErrorTypes: 4)
            stats.record(latencyMs: latency, success: true, errorType: nil)
            let bounds = ToolStatistics.bucketBoundsMs
            let expected = bounds.firstIndex { latency <= $0 } ?? bounds.count
            #expect(stats.bucketCounts.firstIndex(of: 1) == expected, "\(latency) ms")
        }
    }

    @Test("forgetting values leaves the counts a fresh histogram of the rest would have")
    func removal() {
        var generator = SplitMix64(seed: 5)
        let values = (0..<5_000).map { _ in (generator.next() % 100_000) << (generator.next() % 12) }
        var sliding = LatencyHistogram<UInt32>()
        var indices: [Int] = []
        for value in values { indices.append(sliding.record(value)) }
        for index in indices.prefix(3_000) { sliding.remove(index: index) }
        var fresh = LatencyHistogram<UInt32>()
        for value in values.suffix(2_000) { fresh.record(value) }
        #expect(sliding.totalCount == 2_000)
        for rank: UInt64 in [1, 2, 500, 1_000, 1_999, 2_000] {
            #expect(sliding.locate(rank: rank) == fresh.locate(rank: rank), "rank \(rank)")
        }
        let sorted = values.suffix(2_000).sorted()
        for rank in [1, 777, 2_000] {
            let (index, below) = fresh.locate(rank: UInt64(rank))
            // The located index holds the rank-th value, and exactly `below` values sort before that index.
            #expect(LatencyHistogram<UInt32>.countsIndex(of: sorted[rank - 1]) == index)
            #expect(sorted.filter { LatencyHistogram<UInt32>.countsIndex(of: $0) < index }.count == Int(below))
        }
    }

    @Test(
        "selection gives the values sorting gives, for random, sorted, reversed and repetitive windows",
        arguments: ["random", "sorted", "reversed", "equal", "two values", "organ pipe"]
    )
    func selection(shape: String) {
        var generator = SplitMix64(seed: 99)
        for count in [1, 2, 3, 15, 16, 17, 100, 999, 1000, 4096] {
            var samples: [Double] = (0..<count).map { _ in Double(generator.next() % 10_000) / 10 }
            switch shape {
            case "sorted": samples.sort()
            case "reversed": samples.sort(by: >)
            case "equal": samples = Array(repeating: 42.5, count: count)
            case "two values": samples = samples.map { $0 < 500 ? 1 : 2 }
            case "organ pipe": samples = (0..<count).map { Double(min($0, count - $0)) }
            default: break
            }
            let sorted = samples.sorted()
            // Ranks of the percentiles, the first and last, and the same rank twice in a row.
            let ranks = [1, 500, 500, 950, 990, 999, 1000].map { NearestRank.rank(perMille: $0, count: count) }
            let expected = ranks.map { sorted[$0 - 1] }
            var scratch = samples
            let selected = scratch.withUnsafeMutableBufferPointer { buffer in
                ranks.map { rank in
                    NearestRank.select(rank - 1, in: buffer)
                    return buffer[rank - 1]
                }
            }
            #expect(selected == expected, "\(shape), \(count) samples")
            #expect(scratch.sorted() == sorted, "selection lost or duplicated a sample")
        }
    }
}

@Suite("Tool index")
struct ToolIndexTests {
    @Test("finds every stored name through growth, replaces on a second set, misses names never stored")
    func lookups() {
        let collector = MetricsCollector()
        let recorders = (0..<3).map { collector.tool("r\($0)") }
        var index = ToolIndex()
        let names =
            (0..<5_000).map { "tool_\($0)" } + ["", "é", "tool with spaces", String(repeating: "x", count: 300)]
        for (position, name) in names.enumerated() { index.set(recorders[position % 3], for: name) }
        #expect(index.count == names.count)
        for (position, name) in names.enumerated() {
            #expect(index.recorder(for: name) === recorders[position % 3], "\(name)")
        }
        index.set(recorders[2], for: "tool_0")
        #expect(index.recorder(for: "tool_0") === recorders[2])
        #expect(index.count == names.count)
        #expect(index.recorder(for: "tool_5000") == nil)
        #expect(index.recorder(for: "Tool_1") == nil)
    }
}
