import Benchmark
import Crypto
import Engine
import Foundation

/// The uploader's streaming SHA-256 of a 256 MiB file, measured through the public path that runs it: an
/// upload whose hash is already in the file-ID cache hashes the file, finds the id and sends nothing.
/// `scripts/bench-sha256.sh` compares the result with `openssl dgst -sha256` on a file of the same size.
func hashingBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 15
    )

    Benchmark("SHA-256 of 256 MiB, uploader (cached upload)", configuration: configuration) { _, fixture in
        let results = await fixture.uploader.upload([fixture.path], fetchContent: false)
        precondition(results.first?.sha256 == fixture.hash, "expected a cache hit: \(results)")
    } setup: {
        try await HashFixture()
    }

    Benchmark("SHA-256 of 256 MiB, swift-crypto over 1 MiB buffers", configuration: configuration) {
        benchmark,
        fixture in
        let chunk = 1 << 20
        let handle = FileHandle(forReadingAtPath: fixture.path)!
        defer { try? handle.close() }
        var buffer = [UInt8](repeating: 0, count: chunk)
        var hasher = SHA256()
        while true {
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, chunk) }
            if count <= 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
        blackHole(hasher.finalize())
    } setup: {
        try await HashFixture()
    }
}

/// A 256 MiB file of pseudo-random bytes (`BENCH_SHA256_FILE` to hash an existing file instead) whose hash
/// the file-ID cache already knows for the uploader's provider.
struct HashFixture: Sendable {
    let path: String
    let hash: String
    let uploader: ParallelUploader

    init() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let existing = ProcessInfo.processInfo.environment["BENCH_SHA256_FILE"] {
            path = existing
        } else {
            path = directory.appendingPathComponent("file.bin").path
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            let handle = FileHandle(forWritingAtPath: path)!
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            var block = [UInt64](repeating: 0, count: 1 << 17)
            for _ in 0..<256 {
                for index in block.indices {
                    state ^= state << 13
                    state ^= state >> 7
                    state ^= state << 17
                    block[index] = state
                }
                block.withUnsafeBytes { handle.write(Data($0)) }
            }
            try handle.close()
        }
        var hasher = SHA256()
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        hasher.update(data: data)
        hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()

        let collector = MetricsCollector()
        let cache = try FileIDCache(
            configuration: .init(path: directory.appendingPathComponent("ids.sqlite").path),
            collector: collector
        )
        let client = try FilesAPIClient(baseURL: "http://127.0.0.1:9", apiKey: "unused", providerName: "bench")
        try cache.store(fileID: "file-bench", sha256: hash, provider: client.providerName)
        uploader = ParallelUploader(
            configuration: FilesConfiguration(apiKey: "unused", maxFileBytes: 1 << 30),
            client: client,
            fileCache: cache,
            collector: collector
        )
    }
}
