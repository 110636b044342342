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
        var ours = LatencyHistogram()
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
            var ours = LatencyHistogram()
            var theirs = Self.reference()
            ours.record(value)
            _ = theirs.record(value)
            #expect(ours.values(atPerMille: [500]) == [theirs.valueAtPercentile(50)], "value \(value)")
        }
        var clamped = LatencyHistogram()
        clamped.record(UInt64.max)
        #expect(clamped.values(atPerMille: [500, 1000]) == [3_600_000_000, 3_600_000_000])
        #expect(LatencyHistogram().values(atPerMille: [500, 990]) == [0, 0])
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
            let quantiles = [1, 500, 500, 950, 990, 999, 1000]
            let expected = sorted.withUnsafeBufferPointer { sorted in
                quantiles.map { NearestRank.value(perMille: $0, sorted: sorted) }
            }
            var scratch = samples
            let selected = scratch.withUnsafeMutableBufferPointer {
                NearestRank.values(perMille: quantiles, selectingIn: $0)
            }
            #expect(selected == expected, "\(shape), \(count) samples")
            #expect(scratch.sorted() == sorted, "selection lost or duplicated a sample")
        }
    }
}
