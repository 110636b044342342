import Benchmark
import Engine
import Foundation
import Histogram
import MetricsClient

/// A fresh snapshot of 100 tools with full 1000-sample windows, alone and encoded as `/metrics` encodes it,
/// plus the cost the one-pass lifetime quantiles avoid: four `valueAtPercentile` calls on one tool's histogram.
func snapshotBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        timeUnits: .microseconds,
        maxDuration: .seconds(3),
        maxIterations: 2_000
    )

    Benchmark("snapshot, 100 tools x 1000 samples", configuration: configuration) { benchmark, collector in
        for _ in benchmark.scaledIterations {
            blackHole(collector.snapshot(maxAge: .zero))
        }
    } setup: {
        fullCollector()
    }

    Benchmark("snapshot + JSON, 100 tools x 1000 samples", configuration: configuration) { benchmark, collector in
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for _ in benchmark.scaledIterations {
            blackHole(try? encoder.encode(collector.snapshot(maxAge: .zero)))
        }
    } setup: {
        fullCollector()
    }

    Benchmark("hdrhistogram valueAtPercentile x4, one tool", configuration: configuration) {
        (benchmark: Benchmark, histogram: Histogram<UInt64>) in
        for _ in benchmark.scaledIterations {
            for percentile in [50.0, 95.0, 99.0, 99.9] {
                blackHole(histogram.valueAtPercentile(percentile))
            }
        }
    } setup: {
        // The collector's histogram: whole microseconds up to an hour, two significant digits.
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: 1,
            highestTrackableValue: 3_600_000_000,
            numberOfSignificantValueDigits: .two
        )
        var random = SystemRandomNumberGenerator()
        for _ in 0..<1_000 { _ = histogram.record(UInt64.random(in: 1_000...3_000_000, using: &random)) }
        return histogram
    }
}

/// 100 tools, 1000 calls each, latencies log-spread between 1 ms and a few seconds, 3 % failures.
func fullCollector() -> MetricsCollector {
    let collector = MetricsCollector()
    var random = SystemRandomNumberGenerator()
    for tool in 0..<100 {
        let recorder = collector.tool("tool_\(tool)")
        for _ in 0..<1_000 {
            let latency = exp(Double.random(in: 0...8, using: &random))
            if Int.random(in: 0..<100, using: &random) < 3 {
                recorder.record(
                    latencyMs: latency,
                    success: false,
                    errorType: Bool.random() ? "timeout" : "rate_limited"
                )
            } else {
                recorder.record(latencyMs: latency, success: true)
            }
        }
    }
    return collector
}
