import Benchmark
import Dispatch
import Engine

/// `record` through a kept handle and by name, on one thread and on two threads at once.
///
/// Runs are scaled by a million calls, so times read as nanoseconds per call. The two-thread runs have each
/// thread make that many calls: with perfect scaling they take as long per call as the one-thread run.
func collectorBenchmarks() {
    let scaled = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        timeUnits: .nanoseconds,
        scalingFactor: .mega,
        maxDuration: .seconds(3),
        maxIterations: 30
    )

    Benchmark("record, handle, 1 thread", configuration: scaled) { benchmark, recorder in
        recordCalls(recorder, count: benchmark.scaledIterations.count, seed: 1)
    } setup: {
        warmedCollector().tool("tool_000")
    }

    Benchmark("record, by name, 1 thread", configuration: scaled) { benchmark, collector in
        for index in benchmark.scaledIterations {
            collector.record(tool: "tool_000", latencyMs: Double(index & 1023) * 0.25, success: index & 63 != 0)
        }
    } setup: {
        warmedCollector()
    }

    Benchmark("record, handle, 2 threads, distinct tools", configuration: scaled) {
        (benchmark: Benchmark, recorders: [ToolRecorder]) in
        let count = benchmark.scaledIterations.count
        DispatchQueue.concurrentPerform(iterations: 2) { thread in
            recordCalls(recorders[thread], count: count, seed: thread)
        }
    } setup: {
        let collector = warmedCollector()
        return [collector.tool("tool_000"), collector.tool("tool_001")]
    }

    Benchmark("record, handle, 2 threads, same tool", configuration: scaled) { benchmark, recorder in
        let count = benchmark.scaledIterations.count
        DispatchQueue.concurrentPerform(iterations: 2) { thread in
            recordCalls(recorder, count: count, seed: thread)
        }
    } setup: {
        warmedCollector().tool("tool_000")
    }
}

/// A collector whose first two tools have each seen a call, so their buffers exist.
func warmedCollector() -> MetricsCollector {
    let collector = MetricsCollector()
    for tool in ["tool_000", "tool_001"] {
        collector.record(tool: tool, latencyMs: 1, success: false, errorType: "timeout")
    }
    return collector
}

/// Records `count` calls with varied latencies and a failure every 64 calls (an error type already seen).
@inline(never)
func recordCalls(_ recorder: ToolRecorder, count: Int, seed: Int) {
    var latency = Double(seed) + 0.5
    for index in 0..<count {
        latency = latency < 2_000 ? latency * 1.37 : 0.5
        if index & 63 == 0 {
            recorder.record(latencyMs: latency, success: false, errorType: "timeout")
        } else {
            recorder.record(latencyMs: latency, success: true)
        }
    }
}
