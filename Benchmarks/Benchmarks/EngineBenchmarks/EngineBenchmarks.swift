import Benchmark

/// Every benchmark of the engine's hot paths; BENCHMARKS.md lists the targets and the results.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )
    collectorBenchmarks()
    snapshotBenchmarks()
    responseCacheBenchmarks()
    fileIDCacheBenchmarks()
    hashingBenchmarks()
    toolSurfaceBenchmarks()
    sharedStoreBenchmarks()
}
