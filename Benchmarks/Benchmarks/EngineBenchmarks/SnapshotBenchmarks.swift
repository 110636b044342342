import Benchmark
import Engine
import Foundation
import Histogram
import MetricsWire

/// A fresh snapshot of 100 tools with full 1000-sample windows, alone and encoded as `/metrics` encodes it
/// (and, for comparison, through `JSONEncoder`), plus the cost the collector's own histogram avoids: four
/// `valueAtPercentile` calls on one tool's hdrhistogram-swift histogram.
func snapshotBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        timeUnits: .microseconds,
        maxDuration: .seconds(3),
        maxIterations: 2_000
    )

    // Every tool gets one call between snapshots, so nothing computed for the previous snapshot can be
    // reused: the worst case, and the one the target is about.
    Benchmark("snapshot, 100 tools x 1000 samples", configuration: configuration) { benchmark, full in
        for _ in benchmark.scaledIterations {
            full.touchEveryTool()
            blackHole(full.collector.snapshot(maxAge: .zero))
        }
    } setup: {
        FullCollector()
    }

    // What `/metrics` does per refresh: a fresh snapshot and its JSON bytes.
    Benchmark("snapshot + JSON, 100 tools x 1000 samples", configuration: configuration) { benchmark, full in
        for _ in benchmark.scaledIterations {
            full.touchEveryTool()
            blackHole(full.collector.snapshot(maxAge: .zero).encodedJSON())
        }
    } setup: {
        FullCollector()
    }

    Benchmark("JSON of a 100-tool snapshot, encodedJSON()", configuration: configuration) { benchmark, snapshot in
        for _ in benchmark.scaledIterations {
            blackHole(snapshot.encodedJSON())
        }
    } setup: {
        FullCollector().collector.snapshot(maxAge: .zero)
    }

    Benchmark("JSON of a 100-tool snapshot, JSONEncoder", configuration: configuration) { benchmark, snapshot in
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for _ in benchmark.scaledIterations {
            blackHole(try? encoder.encode(snapshot))
        }
    } setup: {
        FullCollector().collector.snapshot(maxAge: .zero)
    }

    // What a dashboard does with each poll of such an engine: decode the body.
    Benchmark("decode a 100-tool snapshot, SnapshotDecoder", configuration: configuration) { benchmark, body in
        let decoder = SnapshotDecoder()
        for _ in benchmark.scaledIterations {
            blackHole(try? decoder.decode(body))
        }
    } setup: {
        Data(FullCollector().collector.snapshot(maxAge: .zero).encodedJSON())
    }

    Benchmark("decode a 100-tool snapshot, JSONDecoder (Codable)", configuration: configuration) { benchmark, body in
        let decoder = JSONDecoder()
        for _ in benchmark.scaledIterations {
            blackHole(try? decoder.decode(MetricsSnapshot.self, from: body))
        }
    } setup: {
        Data(FullCollector().collector.snapshot(maxAge: .zero).encodedJSON())
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
final class FullCollector {
    let collector: MetricsCollector
    let recorders: [ToolRecorder]
    /// SplitMix64 state for the calls added between snapshots.
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    init() {
        let collector = MetricsCollector()
        self.collector = collector
        recorders = (0..<100).map { collector.tool("tool_\($0)") }
        var random = SystemRandomNumberGenerator()
        for recorder in recorders {
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
    }

    /// One more call on every tool, from the same distribution, so the windows stay as random as they
    /// started (a constant latency would turn them into runs of equal values over the benchmark).
    func touchEveryTool() {
        for recorder in recorders {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            recorder.record(latencyMs: exp(Double(z >> 11) / Double(1 << 53) * 8), success: true)
        }
    }
}
