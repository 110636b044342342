import Benchmark
import Crypto
import Engine
import Foundation
import GRDB

/// FileIDCache lookups and inserts against a database of 100 000 rows.
func fileIDCacheBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        timeUnits: .microseconds,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 100
    )

    Benchmark("FileIDCache lookup, 100 000 rows", configuration: configuration) { benchmark, fixture in
        var next = 0
        for _ in benchmark.scaledIterations {
            blackHole(try? fixture.cache.fileID(sha256: fixture.hashes[next], provider: "bench"))
            next = next == fixture.hashes.count - 1 ? 0 : next + 1
        }
    } setup: {
        try FileCacheFixture(rows: 100_000)
    }

    // One insert per sample, of a hash computed in setup, so formatting the hash is not measured.
    let single = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        timeUnits: .microseconds,
        maxDuration: .seconds(5),
        maxIterations: FileCacheFixture.newRows
    )

    Benchmark("FileIDCache insert, 100 000 rows", configuration: single) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            let index = fixture.nextNew()
            try? fixture.cache.store(fileID: "file-new-\(index)", sha256: fixture.newHashes[index], provider: "bench")
        }
    } setup: {
        try FileCacheFixture(rows: 100_000)
    }
}

/// A file-ID cache in a temporary directory, bulk-filled with `rows` entries for provider `bench`.
final class FileCacheFixture: @unchecked Sendable {  // Used from one benchmark thread at a time.
    let cache: FileIDCache
    let hashes: [String]
    /// Hashes not in the table yet, for inserts.
    let newHashes: [String]
    private var inserted = -1
    static let newRows = 2_000

    init(rows: Int) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("file-ids-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("ids.sqlite").path
        cache = try FileIDCache(configuration: .init(ttl: nil, path: path), collector: MetricsCollector())
        // One transaction instead of 100 000 `store` calls; the cache reads the same table.
        let pool = try DatabasePool(path: path)
        try pool.write { db in
            let statement = try db.makeStatement(
                sql: "INSERT INTO file_ids (sha256, provider, file_id, created_at) VALUES (?, 'bench', ?, ?)"
            )
            for index in 0..<rows {
                try statement.execute(arguments: [fileHash(index), "file-\(index)", Date().timeIntervalSince1970])
            }
        }
        try pool.close()
        let stored = try cache.count()
        precondition(stored == rows, "expected \(rows) rows, found \(stored)")
        // Lookups visit rows in a scattered order, so they do not walk the index sequentially.
        hashes = (0..<1_000).map { fileHash(($0 * 7_919) % rows) }
        newHashes = (rows..<rows + Self.newRows + 50).map(fileHash)
    }

    func nextNew() -> Int {
        inserted += 1
        return inserted
    }
}

/// A distinct, well-formed SHA-256 hex string per index.
func fileHash(_ index: Int) -> String {
    SHA256.hash(data: withUnsafeBytes(of: index) { Data($0) }).map { String(format: "%02x", $0) }.joined()
}
