// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "dashboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dashboard", targets: ["Dashboard"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "MCPProxy", targets: ["MCPProxy"]),
        .library(name: "Traces", targets: ["Traces"]),
        .library(name: "MetricsClient", targets: ["MetricsClient"]),
        .library(name: "MetricsWire", targets: ["MetricsWire"]),
        .library(name: "ConfigFile", targets: ["ConfigFile"]),
        .library(name: "DashboardUI", targets: ["DashboardUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        .systemLibrary(name: "CMalloc"),
        .target(name: "CProxy"),
        .target(name: "CThreadSanitizer"),
        .target(name: "MetricsWire", dependencies: ["CThreadSanitizer"]),
        .target(
            name: "MetricsClient",
            dependencies: [
                "MetricsWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Engine",
            dependencies: [
                "MetricsWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "MCPProxy",
            dependencies: [
                "CProxy",
                "Engine",
                "MetricsWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Traces",
            dependencies: [
                "Engine",
                "MetricsWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .target(
            name: "ConfigFile",
            dependencies: [.product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "DashboardUI",
            dependencies: ["CNcurses", "ConfigFile", "MetricsClient", "MetricsWire"]
        ),
        .executableTarget(
            name: "Dashboard",
            dependencies: [
                "CMalloc",
                "ConfigFile",
                "DashboardUI",
                "Engine",
                "MCPProxy",
                "MetricsClient",
                "MetricsWire",
                "Traces",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "FileCacheWriter",
            dependencies: ["Engine"],
            path: "Tests/FileCacheWriter"
        ),
        .testTarget(
            name: "MetricsClientTests",
            dependencies: [
                "Engine",
                "MetricsClient",
                "MetricsWire",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "ConfigFile",
                "Dashboard",
                "DashboardUI",
                "Engine",
                "MCPProxy",
                "MCPTestServer",
                "TestSupport",
                "MetricsClient",
                "MetricsWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "Engine",
                "FileCacheWriter",
                "MCPProxy",
                "MetricsClient",
                "MetricsWire",
                "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(name: "ProxyTestPeer", path: "Tests/ProxyTestPeer"),
        .executableTarget(
            name: "MCPTestServer",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MCP", package: "swift-sdk"),
            ],
            path: "Tests/MCPTestServer"
        ),
        .target(name: "CFuzzer", path: "Fuzz/CFuzzer"),
        .executableTarget(
            name: "Fuzzers",
            dependencies: [
                "CFuzzer", "ConfigFile", "Engine", "MCPProxy", "MetricsClient", "MetricsWire",
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Fuzz/Fuzzers"
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "ProxyTests",
            dependencies: [
                "Dashboard",
                "Engine",
                "Fuzzers",
                "MCPProxy",
                "MCPTestServer",
                "MetricsClient",
                "MetricsWire",
                "ProxyTestPeer",
                "TestSupport",
                "Traces",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            exclude: ["Corpus"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Sanitizer builds (scripts/sanitize.sh, scripts/fuzz.sh): DASHBOARD_SANITIZE=thread, address or fuzzer
// (libFuzzer with AddressSanitizer, and -DFUZZING) instruments this package's own Swift targets only, so the
// dependencies a plain build made are reused as they are, and a sanitizer run costs minutes, not a rebuild
// of everything. The C targets (names starting with C) are left alone.
if let sanitizer = Context.environment["DASHBOARD_SANITIZE"], !sanitizer.isEmpty {
    precondition(["thread", "address", "fuzzer"].contains(sanitizer), "DASHBOARD_SANITIZE: thread, address or fuzzer")
    let flag = sanitizer == "fuzzer" ? "-sanitize=fuzzer,address" : "-sanitize=\(sanitizer)"
    for target in package.targets where target.type != .system && !target.name.hasPrefix("C") {
        target.swiftSettings =
            (target.swiftSettings ?? []) + [.unsafeFlags([flag])] + (sanitizer == "fuzzer" ? [.define("FUZZING")] : [])
        target.linkerSettings = (target.linkerSettings ?? []) + [.unsafeFlags([flag])]
    }
}
