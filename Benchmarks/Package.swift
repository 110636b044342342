// swift-tools-version:6.1
import PackageDescription

// A separate package so the root package's `swift build` and `swift test` never build the benchmarks or
// fetch their dependencies. Run: swift package --allow-writing-to-directory .benchmarkBaselines benchmark
let package = Package(
    name: "EngineBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "dashboard", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Engine", package: "dashboard"),
                .product(name: "MCPProxy", package: "dashboard"),
                .product(name: "MetricsWire", package: "dashboard"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The dashboard's rendering code is in DashboardUI, whose rendering entry points and state
        // initialisers are internal (and a release build cannot import a module @testable); this target
        // compiles the same files (Benchmarks/RenderBenchmarks/Screen links to them) around the render
        // benchmark.
        .executableTarget(
            name: "RenderBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MetricsClient", package: "dashboard"),
                .product(name: "MetricsWire", package: "dashboard"),
                .product(name: "ConfigFile", package: "dashboard"),
            ],
            path: "Benchmarks/RenderBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
