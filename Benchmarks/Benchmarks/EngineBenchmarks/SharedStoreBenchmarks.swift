import Benchmark
import Engine
import Foundation
import Logging

/// The shared caches on a real PostgreSQL (`scripts/bench-shared-cache.sh` starts one and passes its URL in
/// `DASHBOARD_BENCH_POSTGRES_URL`; without it these are not registered): a second-level lookup of the
/// response cache, a shared file-ID lookup, and a first-level hit with a shared level behind it, beside the
/// SQLite and in-process figures of the same run.
func sharedStoreBenchmarks() {
    guard let url = ProcessInfo.processInfo.environment["DASHBOARD_BENCH_POSTGRES_URL"] else { return }
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        timeUnits: .microseconds,
        maxDuration: .seconds(5),
        maxIterations: 5_000
    )

    Benchmark("Shared response lookup (L2 hit), 10 000 rows", configuration: configuration) { benchmark, fixture in
        var next = 0
        for _ in benchmark.scaledIterations {
            let value = await fixture.responses.sharedValue(for: fixture.responseKeys[next])
            precondition(value != nil, "an L2 lookup missed: is the store slower than its deadline?")
            next = next == fixture.responseKeys.count - 1 ? 0 : next + 1
        }
    } setup: {
        try await SharedFixture.make(url)
    }

    Benchmark("Shared file-ID lookup, 100 000 rows", configuration: configuration) { benchmark, fixture in
        var next = 0
        for _ in benchmark.scaledIterations {
            let found = await fixture.fileIDs.lookup(sha256: fixture.hashes[next], provider: "bench")
            guard case .hit = found else { preconditionFailure("a shared file-ID lookup missed") }
            next = next == fixture.hashes.count - 1 ? 0 : next + 1
        }
    } setup: {
        try await SharedFixture.make(url)
    }

    let nanoseconds = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        timeUnits: .nanoseconds,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 2_000
    )
    Benchmark("ResponseCache hit, 2 KiB prompt, a shared level behind", configuration: nanoseconds) {
        benchmark,
        fixture in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.cache.value(for: fixture.stored.key))
        }
    } setup: {
        CacheFixture(shared: try await SharedFixture.make(url).responses.shared)
    }
}

/// One store, ready, with 10 000 cached responses and 100 000 file ids (filled once per database).
final class SharedFixture: Sendable {
    let store: SharedStore
    let responses: ResponseCache
    let fileIDs: SharedFileIDs
    let responseKeys: [ResponseCacheKey]
    let hashes: [String]
    private let task: Task<Void, Never>

    private init(store: SharedStore, task: Task<Void, Never>) {
        self.store = store
        self.task = task
        responses = ResponseCache(
            configuration: ResponseCacheConfiguration(maxEntries: 10),
            collector: MetricsCollector(),
            shared: SharedResponses(store: store)
        )
        fileIDs = SharedFileIDs(store: store)
        responseKeys = (0..<10_000).map { CacheRequest(prompt: "prompt \($0)", model: "bench").key }
        // Lookups visit rows in a scattered order, so they do not walk the index sequentially.
        hashes = (0..<1_000).map { fileHash(($0 * 7_919) % 100_000) }
    }

    static func make(_ url: String) async throws -> SharedFixture {
        // A deadline no lookup meets only on a broken store: what is measured is the time, not the fallback.
        let store = SharedStore(url: try SharedStoreURL(url), timeout: .seconds(5), logger: Logger(label: "bench"))
        let fixture = SharedFixture(store: store, task: Task { await store.run() })
        await store.settled(within: .seconds(30))
        guard store.status == .ready else { throw SharedBenchError(description: "store \(store.status)") }
        // Filled before when the last row is there.
        if case .hit = await fixture.fileIDs.lookup(sha256: fileHash(99_999), provider: "bench") {
        } else {
            let created = Date().timeIntervalSince1970
            for start in stride(from: 0, to: 100_000, by: 1_000) {
                await withTaskGroup(of: Void.self) { group in
                    for index in start..<start + 1_000 {
                        group.addTask {
                            _ = await fixture.fileIDs.store(
                                fileID: "file-\(index)",
                                sha256: fileHash(index),
                                provider: "bench",
                                created: created
                            )
                        }
                    }
                }
            }
        }
        for (index, key) in fixture.responseKeys.enumerated() {
            fixture.responses.put(String(repeating: "r", count: 1_024) + "\(index)", for: key, ttl: .seconds(3_600))
            while fixture.responses.pendingSharedWrites > 200 { try await Task.sleep(for: .milliseconds(1)) }
        }
        while fixture.responses.pendingSharedWrites > 0 { try await Task.sleep(for: .milliseconds(5)) }
        return fixture
    }

    deinit { task.cancel() }
}

struct SharedBenchError: Error, CustomStringConvertible {
    let description: String
}
