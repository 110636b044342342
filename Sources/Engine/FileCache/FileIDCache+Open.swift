import Foundation
import GRDB

extension FileIDCache {
    /// Creates the directory, opens the pool in WAL mode and creates the schema; moves a non-database aside.
    static func open(_ configuration: FileCacheConfiguration) throws(FileIDCacheError) -> DatabasePool {
        let path = configuration.path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw FileIDCacheError(
                    .cannotCreateDirectory,
                    path: path,
                    "cannot create directory \(directory) for the file-ID cache (\(Self.posixReason(error))); "
                        + "set FILE_CACHE_PATH to a file in a writable directory"
                )
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(configuration.busyTimeout / .seconds(1))
        config.label = "file-id-cache"
        config.prepareDatabase { db in
            // WAL with NORMAL sync: a committed transaction survives the process being killed (the WAL is in
            // the OS before commit returns); only a power loss can take the last transactions.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool: DatabasePool
        do {
            pool = try openMigrated(path: path, configuration: config, patience: configuration.busyTimeout)
        } catch let error as DatabaseError where isNotADatabase(error) {
            let aside = try moveAside(path)
            throw FileIDCacheError(
                .notADatabase(movedTo: aside),
                path: path,
                "\(path) is not a SQLite database (\(reason(error))); it was moved to \(aside) and not changed. "
                    + "Start again to create a new file-ID cache, or set FILE_CACHE_PATH elsewhere"
            )
        } catch {
            throw FileIDCacheError(
                .cannotOpen,
                path: path,
                "cannot open the file-ID cache at \(path): \(reason(error)); "
                    + "check the directory is writable or set FILE_CACHE_PATH elsewhere"
            )
        }
        return pool
    }

    /// Opens and migrates the pool, trying again while another process holds the file busy: when two
    /// processes open a new file at once, switching it to WAL and migrating answer SQLITE_BUSY at once
    /// (SQLite's deadlock avoidance), which the busy timeout does not cover.
    private static func openMigrated(
        path: String,
        configuration: Configuration,
        patience: Duration
    ) throws -> DatabasePool {
        let deadline = ContinuousClock.now + patience
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try migrate(pool)
                return pool
            } catch let error as DatabaseError
                where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) && ContinuousClock.now < deadline
            {
                usleep(20_000)
            }
        }
    }

    /// The schema version this build writes, kept in `PRAGMA user_version`.
    private static let schemaVersion = 2

    /// Creates or upgrades the schema in one IMMEDIATE transaction: it takes the write lock before reading the
    /// version, so two processes opening a new file at once cannot both see "no schema" and both create it.
    /// Files from builds that recorded their schema in GRDB's `grdb_migrations` table are recognised.
    private static func migrate(_ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                let recorded = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                var version = recorded
                if version == 0, try db.tableExists("grdb_migrations") {
                    let applied = try Set(String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
                    version = applied.contains("v2-entry-count") ? 2 : applied.contains("v1") ? 1 : 0
                }
                if version < 1 {
                    try db.execute(
                        sql: """
                            CREATE TABLE IF NOT EXISTS file_ids (
                                sha256 TEXT NOT NULL,
                                provider TEXT NOT NULL,
                                file_id TEXT NOT NULL,
                                created_at REAL NOT NULL,
                                PRIMARY KEY (sha256, provider)
                            );
                            CREATE INDEX IF NOT EXISTS file_ids_by_id ON file_ids (file_id);
                            CREATE TABLE IF NOT EXISTS legacy_imports (
                                source_sha256 TEXT PRIMARY KEY,
                                source_path TEXT NOT NULL,
                                imported_at REAL NOT NULL,
                                rows INTEGER NOT NULL
                            );
                            """
                    )
                }
                // Counting rows with COUNT(*) scans the whole table, and every write publishes the size: keep
                // the count in a one-row table that triggers update in the same transaction, so it is exact
                // across processes and costs one row update per write.
                if version < 2 {
                    try db.execute(
                        sql: """
                            CREATE TABLE file_ids_count (
                                id INTEGER PRIMARY KEY CHECK (id = 0), entries INTEGER NOT NULL
                            );
                            INSERT INTO file_ids_count (id, entries) VALUES (0, (SELECT COUNT(*) FROM file_ids));
                            CREATE TRIGGER file_ids_count_insert AFTER INSERT ON file_ids
                                BEGIN UPDATE file_ids_count SET entries = entries + 1 WHERE id = 0; END;
                            CREATE TRIGGER file_ids_count_delete AFTER DELETE ON file_ids
                                BEGIN UPDATE file_ids_count SET entries = entries - 1 WHERE id = 0; END;
                            """
                    )
                }
                if recorded < schemaVersion {
                    try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
                }
                return .commit
            }
        }
    }

    private static func isNotADatabase(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT
    }

    /// Renames the file (and any WAL/SHM beside it) to `<path>.corrupt-<time>`; returns the new path.
    private static func moveAside(_ path: String) throws(FileIDCacheError) -> String {
        let stamp = Int(Date().timeIntervalSince1970)
        var aside = "\(path).corrupt-\(stamp)"
        var attempt = 1
        while FileManager.default.fileExists(atPath: aside) {
            attempt += 1
            aside = "\(path).corrupt-\(stamp)-\(attempt)"
        }
        do {
            try FileManager.default.moveItem(atPath: path, toPath: aside)
        } catch {
            throw FileIDCacheError(
                .cannotOpen,
                path: path,
                "\(path) is not a SQLite database and could not be moved aside (\(posixReason(error))); "
                    + "move or delete it by hand, or set FILE_CACHE_PATH elsewhere"
            )
        }
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try? FileManager.default.moveItem(atPath: path + suffix, toPath: aside + suffix)
        }
        return aside
    }

    private static func posixReason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}
