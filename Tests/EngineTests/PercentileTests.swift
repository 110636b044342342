import Engine
import Histogram
import MetricsClient
import MetricsWire
import Testing

@testable import Engine

@Suite("Window percentiles")
struct PercentileTests {
    /// The reference: the smallest sample `v` such that at least `q · n` samples are `<= v`, found by
    /// counting over the unsorted samples — a different algorithm from the collector's rank lookup.
    static func reference(_ samples: [Double], numerator: Int, denominator: Int) -> Double {
        let candidates = Set(samples).sorted()
        for value in candidates {
            let atOrBelow = samples.reduce(0) { $0 + ($1 <= value ? 1 : 0) }
            if atOrBelow * denominator >= numerator * samples.count { return value }
        }
        return candidates.last ?? 0
    }

    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    @Test(
        "window percentiles equal an independent nearest-rank computation",
        arguments: [1, 2, 999, 1000, 37]
    )
    func nearestRank(windowSize: Int) throws {
        var generator = SplitMix64(seed: UInt64(windowSize))
        let collector = MetricsCollector(configuration: MetricsConfiguration(windowSize: windowSize))
        // 10 000 samples in random order: a window of 37 wraps ~270 times, 1000 wraps 10 times.
        let samples = (0..<10_000).map { _ in Double(generator.next() % 500_000) / 100 }
        for sample in samples {
            collector.record(tool: "t", latencyMs: sample, success: true)
        }
        let window = Array(samples.suffix(windowSize))
        let metrics = try #require(collector.toolMetrics("t"))
        #expect(metrics.windowSamples == window.count)
        #expect(metrics.p50LatencyMs == Self.rounded(Self.reference(window, numerator: 50, denominator: 100)))
        #expect(metrics.p95LatencyMs == Self.rounded(Self.reference(window, numerator: 95, denominator: 100)))
        #expect(metrics.p99LatencyMs == Self.rounded(Self.reference(window, numerator: 99, denominator: 100)))
        #expect(metrics.totalCalls == 10_000)
        #expect(metrics.minLatencyMs == Self.rounded(samples.min()!))
        #expect(metrics.maxLatencyMs == Self.rounded(samples.max()!))
    }

    @Test(
        "window percentiles stay exact with many equal latencies, zeros and clamped values",
        arguments: [1, 3, 100, 1000]
    )
    func repetitiveWindow(windowSize: Int) throws {
        var generator = SplitMix64(seed: 17 + UInt64(windowSize))
        let collector = MetricsCollector(configuration: MetricsConfiguration(windowSize: windowSize))
        let levels: [Double] = [0, 0.0004, 0.0005, 1, 1.001, 1.002, 250, 250, 7_200_000]
        var recorded: [Double] = []
        for _ in 0..<5_000 {
            let latency = levels[Int(generator.next() % UInt64(levels.count))]
            collector.record(tool: "t", latencyMs: latency, success: true)
            recorded.append(min(latency, 3_600_000))
        }
        let window = Array(recorded.suffix(windowSize))
        let metrics = try #require(collector.toolMetrics("t"))
        #expect(metrics.p50LatencyMs == Self.rounded(Self.reference(window, numerator: 50, denominator: 100)))
        #expect(metrics.p95LatencyMs == Self.rounded(Self.reference(window, numerator: 95, denominator: 100)))
        #expect(metrics.p99LatencyMs == Self.rounded(Self.reference(window, numerator: 99, denominator: 100)))
    }

    @Test("small windows: one sample is every percentile; two samples split at the median")
    func tinyWindows() throws {
        let collector = MetricsCollector(configuration: MetricsConfiguration(windowSize: 2))
        collector.record(tool: "t", latencyMs: 10, success: true)
        var metrics = try #require(collector.toolMetrics("t"))
        #expect([metrics.p50LatencyMs, metrics.p95LatencyMs, metrics.p99LatencyMs] == [10, 10, 10])
        collector.record(tool: "t", latencyMs: 30, success: true)
        metrics = try #require(collector.toolMetrics("t"))
        // ranks: ceil(0.5·2) = 1 → 10; ceil(0.95·2) = 2 → 30.
        #expect([metrics.p50LatencyMs, metrics.p95LatencyMs, metrics.p99LatencyMs] == [10, 30, 30])
        collector.record(tool: "t", latencyMs: 20, success: true)
        metrics = try #require(collector.toolMetrics("t"))
        // The window now holds 30 and 20: the first sample has left it.
        #expect([metrics.p50LatencyMs, metrics.p99LatencyMs] == [20, 30])
        #expect(metrics.minLatencyMs == 10)
    }

    @Test("rank arithmetic is exact where floating point is not (ceil(0.07 × 100) = 7)")
    func exactRanks() {
        #expect(NearestRank.rank(perMille: 70, count: 100) == 7)
        #expect(NearestRank.rank(perMille: 950, count: 1000) == 950)
        #expect(NearestRank.rank(perMille: 990, count: 1) == 1)
        #expect(NearestRank.rank(perMille: 500, count: 0) == 0)
    }

    @Test("lifetime percentiles come from the histogram and match its own valueAtPercentile")
    func lifetime() throws {
        var generator = SplitMix64(seed: 42)
        let collector = MetricsCollector(configuration: MetricsConfiguration(windowSize: 100))
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: 1,
            highestTrackableValue: 3_600_000_000,
            numberOfSignificantValueDigits: .two
        )
        for _ in 0..<20_000 {
            // Log-normal-ish spread from 0.1 ms to ~10 s.
            let latency = Double(generator.next() % 1000 + 1) * Double(1 << (generator.next() % 14)) / 10
            collector.record(tool: "t", latencyMs: latency, success: true)
            _ = histogram.record(UInt64(latency * 1000 + 0.5))
        }
        let lifetime = try #require(collector.toolMetrics("t")?.lifetime)
        let expected = [50.0, 95, 99, 99.9].map { Self.rounded(Double(histogram.valueAtPercentile($0)) / 1000) }
        #expect([lifetime.p50Ms, lifetime.p95Ms, lifetime.p99Ms, lifetime.p999Ms] == expected)
        // Two significant digits: within 1 % of the exact lifetime value.
        let metrics = try #require(collector.toolMetrics("t"))
        #expect(lifetime.p50Ms > 0 && lifetime.p50Ms <= metrics.maxLatencyMs * 1.01)
    }
}

/// A small deterministic generator, so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
