import Engine
import Foundation
import GRDB
import Logging
import MetricsClient
import MetricsWire
import Testing

/// The file-ID cache when its file is taken away or held by someone else: the fault is counted and shown,
/// nothing it stored is lost, and it works again when the fault ends.
@Suite("FileIDCache faults")
struct FileIDCacheFaultTests {
    let collector = MetricsCollector()

    func open(_ path: String, busyTimeout: Duration = .seconds(10)) throws -> FileIDCache {
        try FileIDCache(
            configuration: FileCacheConfiguration(path: path, busyTimeout: busyTimeout),
            collector: collector
        )
    }

    var metrics: CacheMetrics? { collector.snapshot(maxAge: .zero).cacheMetrics[FileIDCache.metricsName] }

    @Test("a database deleted while open is recreated within a second with every entry it held")
    func deletedWhileOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("ids.sqlite")
        let cache = try open(path)
        for index in 1...3 {
            try cache.store(fileID: "file-\(index)", sha256: FileIDCacheTests.hash(index), provider: "kimi")
        }
        for suffix in ["", "-wal", "-shm"] { try FileManager.default.removeItem(atPath: path + suffix) }
        try await Task.sleep(for: .milliseconds(1_100))
        try cache.store(fileID: "file-4", sha256: FileIDCacheTests.hash(4), provider: "kimi")
        #expect(FileManager.default.fileExists(atPath: path))
        // Another process opening the path finds all four.
        let reader = try DatabaseQueue(path: path)
        let ids = try await reader.read { db in
            try String.fetchAll(db, sql: "SELECT file_id FROM file_ids ORDER BY file_id")
        }
        #expect(ids == ["file-1", "file-2", "file-3", "file-4"])
        #expect(metrics?.failures == 1)
        #expect(metrics?.lastFailure == nil)
        #expect(await cache.healthCheck.run().ok)
    }

    @Test("a database locked by another process: writes fail after the busy timeout, shown until one works")
    func lockedByAnother() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("ids.sqlite")
        let cache = try open(path, busyTimeout: .milliseconds(200))
        try cache.store(fileID: "file-1", sha256: FileIDCacheTests.hash(1), provider: "kimi")
        let holder = LockHolder(path: path)
        try holder.take()
        // Reads go on (WAL), writes wait for the lock and then fail with a message naming the file.
        #expect(try cache.fileID(sha256: FileIDCacheTests.hash(1), provider: "kimi") == "file-1")
        let started = ContinuousClock.now
        #expect(throws: FileIDCacheError.self) {
            try cache.store(fileID: "file-2", sha256: FileIDCacheTests.hash(2), provider: "kimi")
        }
        #expect(ContinuousClock.now - started >= .milliseconds(190))
        let failing = try #require(metrics?.lastFailure)
        #expect(failing.contains("write failed at \(path)") && failing.contains("locked"), "\(failing)")
        let health = await cache.healthCheck.run()
        #expect(!health.ok && health.detail == failing)
        holder.release()
        try cache.store(fileID: "file-2", sha256: FileIDCacheTests.hash(2), provider: "kimi")
        #expect(metrics?.lastFailure == nil)
        #expect(metrics?.failures == 1)
        #expect(try cache.count() == 2)
        #expect(await cache.healthCheck.run().ok)
    }
}

/// A second connection to the database holding its write lock, as another process would, until released.
final class LockHolder: Sendable {
    private let path: String
    private let taken = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let failure = Guarded<(any Error)?>(nil)

    init(path: String) { self.path = path }

    /// Returns once the lock is held.
    func take() throws {
        let thread = Thread { [self] in
            do {
                let queue = try DatabaseQueue(path: path)
                try queue.writeWithoutTransaction { db in
                    // BEGIN IMMEDIATE takes the write lock at once; it is held until the transaction ends.
                    try db.inTransaction(.immediate) {
                        taken.signal()
                        released.wait()
                        return .rollback
                    }
                }
            } catch {
                failure.withLock { $0 = error }
                taken.signal()
            }
        }
        thread.start()
        taken.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    func release() { released.signal() }
}

@Suite("ParallelUploader with a failing file-ID cache")
struct UploaderCacheFaultTests {
    @Test("an upload the cache cannot remember still succeeds with its file id; the failure is shown")
    func cacheCannotWrite() async throws {
        try await UploadFixture.with { fixture in
            let path = try fixture.makeFile("a.txt", size: 10_000)
            let cache = try FileIDCache(
                configuration: FileCacheConfiguration(
                    path: fixture.fileCache.configuration.path,
                    busyTimeout: .milliseconds(100)
                ),
                collector: fixture.collector
            )
            let holder = LockHolder(path: fixture.fileCache.configuration.path)
            try holder.take()
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let uploader = ParallelUploader(
                configuration: UploadFixture.fast,
                client: fixture.client,
                fileCache: cache,
                collector: fixture.collector,
                logger: logger
            )
            let result = try #require(await uploader.upload([path]).first)
            #expect(result.state == .done, "\(result.reason ?? "")")
            #expect(result.fileID?.hasPrefix("file-") == true)
            let metrics = fixture.collector.snapshot(maxAge: .zero)
            #expect(metrics.cacheMetrics["file_cache"]?.lastFailure?.contains("locked") == true)
            #expect(metrics.toolMetrics["file_upload"]?.failedCalls == 0)
            holder.release()
            // Once the lock is gone the same file is remembered, and then found.
            #expect(try #require(await uploader.upload([path]).first).state == .done)
            #expect(try #require(await uploader.upload([path]).first).state == .cached)
            #expect(fixture.collector.snapshot(maxAge: .zero).cacheMetrics["file_cache"]?.lastFailure == nil)
        }
    }
}
