import Foundation
import GRDB
import MetricsWire

/// Remembers which file (by SHA-256 of its bytes) was uploaded to which provider under which file id.
///
/// Backed by SQLite in WAL mode through GRDB: safe from many threads and from several processes on the same
/// file, and every write acknowledged by a returning ``store(fileID:sha256:provider:)`` survives the
/// process being killed right after. Provider names are compared in lower case. Entries older than the TTL
/// are misses and are deleted. Hits and misses are counted in the collector's `file_cache`.
///
/// The cache is an optimisation, so its faults are visible but never fatal to an upload: a failed read or
/// write is counted with its message (`failures`, `last_failure`) until the same kind of operation works
/// again. A database file deleted or replaced while open is noticed within a second, and the entries of the
/// file still open are copied into a new one at the path, so nothing stored is lost.
public final class FileIDCache: Sendable {
    /// The settings this cache was opened with.
    public let configuration: FileCacheConfiguration
    let opened: Guarded<OpenDatabase>
    let metrics: CacheRecorder
    let now: @Sendable () -> Date
    /// The rows shared with other replicas (`FILE_CACHE_URL`), behind this file; `nil` without a URL.
    public let shared: SharedFileIDs?

    /// The cache name used in `cache_metrics`.
    public static let metricsName = "file_cache"

    /// Opens (creating if needed) the database at ``FileCacheConfiguration/path``.
    ///
    /// A file there that is not a SQLite database is never overwritten: it is renamed aside and the error
    /// (code ``FileIDCacheError/Code/notADatabase(movedTo:)``) says where it went; opening again then starts
    /// an empty cache.
    public init(
        configuration: FileCacheConfiguration = .init(),
        collector: MetricsCollector,
        shared: SharedFileIDs? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(FileIDCacheError) {
        self.configuration = configuration
        self.now = now
        self.shared = shared
        self.metrics = collector.cache(Self.metricsName)
        self.opened = Guarded(try OpenDatabase(pool: Self.open(configuration), path: configuration.path))
        metrics.setLimits(maxEntries: nil, maxBytes: nil)
        if let shared { metrics.setStore(shared.store) } else { metrics.setStore(name: "sqlite") }
        try publishSize()
    }

    /// The file id stored for these bytes at `provider`, or `nil` (a miss) if none or expired.
    public func fileID(sha256: String, provider: String) throws(FileIDCacheError) -> String? {
        try fileID(sha256: sha256, provider: provider, countingMiss: true)
    }

    /// As ``fileID(sha256:provider:)``; without `countingMiss` a miss is left for the caller to count (it
    /// asks the shared store next).
    func fileID(sha256: String, provider: String, countingMiss: Bool) throws(FileIDCacheError) -> String? {
        let hash = try Self.validHash(sha256, path: configuration.path)
        let provider = try Self.normalised(provider: provider, path: configuration.path)
        // One SELECT is atomic on its own in SQLite's autocommit mode, so this skips the BEGIN/COMMIT pair
        // that `read` wraps around its body: a third of a lookup's time.
        let found: (fileID: String, created: Double)? = try access("read") { database in
            try database.unsafeRead { db in
                let rows = try Row.fetchCursor(
                    db.cachedStatement(
                        sql: "SELECT file_id, created_at FROM file_ids WHERE sha256 = ? AND provider = ?"
                    ),
                    arguments: [hash, provider]
                )
                guard let row = try rows.next() else { return nil }
                return (row[0], row[1])
            }
        }
        guard let (fileID, created) = found else {
            if countingMiss { metrics.miss() }
            return nil
        }
        if isExpired(createdAt: created) {
            try access("delete an expired entry") { database in
                try database.write { db in
                    try db.execute(
                        sql: "DELETE FROM file_ids WHERE sha256 = ? AND provider = ? AND created_at = ?",
                        arguments: [hash, provider, created]
                    )
                }
            }
            metrics.expired()
            if countingMiss { metrics.miss() }
            try publishSize()
            return nil
        }
        metrics.hit()
        return fileID
    }

    /// Remembers that these bytes are `fileID` at `provider`; call only after the provider confirmed the
    /// upload. Returns once the write is durable against a crash of this process.
    public func store(fileID: String, sha256: String, provider: String) throws(FileIDCacheError) {
        try store(fileID: fileID, sha256: sha256, provider: provider, created: nil)
    }

    /// As ``store(fileID:sha256:provider:)``, stamped `created` (seconds since 1970; default now): a copy of
    /// a shared row keeps the row's age, so it expires when the row does.
    func store(fileID: String, sha256: String, provider: String, created: Double?) throws(FileIDCacheError) {
        let hash = try Self.validHash(sha256, path: configuration.path)
        let provider = try Self.normalised(provider: provider, path: configuration.path)
        let id = fileID.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !id.isEmpty, id.utf8.count <= 512 else {
            throw FileIDCacheError(
                .invalidArgument,
                path: configuration.path,
                "file id must be 1 to 512 bytes, got \(id.utf8.count)"
            )
        }
        let created = created ?? now().timeIntervalSince1970
        let entries = try access("write") { database in
            try database.write { db in
                try db.cachedStatement(
                    sql: """
                        INSERT INTO file_ids (sha256, provider, file_id, created_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (sha256, provider) DO UPDATE SET file_id = excluded.file_id,
                            created_at = excluded.created_at
                        """
                ).execute(arguments: [hash, provider, id, created])
                return try Self.entries(db)
            }
        }
        metrics.setSize(entries: entries, bytes: nil)
    }

    /// Forgets `fileID` everywhere, e.g. after the provider answered 404 for it or it was deleted.
    /// Returns how many entries were removed.
    @discardableResult
    public func invalidate(fileID: String) throws(FileIDCacheError) -> Int {
        let removed = try access("invalidate") { database in
            try database.write { db in
                try db.execute(sql: "DELETE FROM file_ids WHERE file_id = ?", arguments: [fileID])
                return db.changesCount
            }
        }
        try publishSize()
        return removed
    }

    /// Deletes every expired entry; returns how many.
    @discardableResult
    public func purgeExpired() throws(FileIDCacheError) -> Int {
        guard let ttl = configuration.ttl else { return 0 }
        let cutoff = now().timeIntervalSince1970 - ttl / .seconds(1)
        let removed = try access("purge expired entries") { database in
            try database.write { db in
                try db.execute(sql: "DELETE FROM file_ids WHERE created_at <= ?", arguments: [cutoff])
                return db.changesCount
            }
        }
        if removed > 0 { metrics.expired(removed) }
        try publishSize()
        return removed
    }

    /// Entries stored, expired ones included until they are met or purged.
    public func count() throws(FileIDCacheError) -> Int {
        try access("count") { database in
            try database.read { db in try Self.entries(db) }
        }
    }

    /// The entry count the triggers keep (see the `v2-entry-count` migration).
    static func entries(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT entries FROM file_ids_count WHERE id = 0")) ?? 0
    }

    func isExpired(createdAt: Double) -> Bool {
        guard let ttl = configuration.ttl else { return false }
        return now().timeIntervalSince1970 - createdAt >= ttl / .seconds(1)
    }

    func publishSize() throws(FileIDCacheError) {
        metrics.setSize(entries: try count(), bytes: nil)
    }

    /// Runs `body` on the open database, turning any error into a ``FileIDCacheError`` naming the operation
    /// and path; failures are counted and kept as the cache's last failure until the same kind works again.
    func access<T>(_ operation: String, _ body: (DatabasePool) throws -> T) throws(FileIDCacheError) -> T {
        let kind = operation == "read" || operation == "count" ? "read" : "write"
        do {
            let result = try body(try currentDatabase())
            metrics.worked(kind)
            return result
        } catch {
            let failure =
                error as? FileIDCacheError
                ?? FileIDCacheError(
                    .databaseFailure,
                    path: configuration.path,
                    "file-ID cache \(operation) failed at \(configuration.path): \(Self.reason(error))"
                )
            metrics.failed(kind, failure.description)
            throw failure
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "\(error.message ?? "SQLite error") (SQLite code \(error.resultCode.rawValue))"
        }
        return "\(error)"
    }

    static func validHash(_ sha256: String, path: String) throws(FileIDCacheError) -> String {
        // Hashes arrive lower-case from `LocalFile`; only others are copied.
        let hash = sha256.utf8.contains(where: { (0x41...0x46).contains($0) }) ? sha256.lowercased() : sha256
        guard hash.utf8.count == 64, hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else {
            throw FileIDCacheError(
                .invalidArgument,
                path: path,
                "a file hash must be 64 hex digits (SHA-256), got \(sha256.utf8.count) bytes"
            )
        }
        return hash
    }

    static func normalised(provider: String, path: String) throws(FileIDCacheError) -> String {
        let name: String
        if let first = provider.utf8.first, let last = provider.utf8.last,
            first > 0x20, last > 0x20, first < 0x80, last < 0x80,
            !provider.utf8.contains(where: { (0x41...0x5A).contains($0) || $0 >= 0x80 })
        {
            // Already normalised (the usual case): no copies.
            name = provider
        } else {
            name = provider.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        }
        guard !name.isEmpty, name.utf8.count <= 128 else {
            throw FileIDCacheError(.invalidArgument, path: path, "a provider name must be 1 to 128 bytes")
        }
        return name
    }
}
