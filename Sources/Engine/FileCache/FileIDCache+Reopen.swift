import Foundation
import GRDB

extension FileIDCache {
    /// The pool in use and which file it has open, to notice the path pointing elsewhere.
    struct OpenDatabase: Sendable {
        var pool: DatabasePool
        var identity: FileIdentity?
        var checkedAt: ContinuousClock.Instant

        init(pool: DatabasePool, path: String) {
            self.pool = pool
            self.identity = FileIdentity(path: path)
            self.checkedAt = .now
        }
    }

    /// Device and inode of a file, or `nil` when nothing is at the path.
    struct FileIdentity: Sendable, Equatable {
        let device: UInt64
        let inode: UInt64

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// The pool to use: the open one, unless the file at the path was deleted or replaced since it was opened
    /// (SQLite would go on writing to the unlinked file, and every entry written after would be lost with it
    /// at the next start). Then a new database is opened at the path and the old file's entries are copied in.
    func currentDatabase() throws -> DatabasePool {
        try opened.withLock { open in
            let now = ContinuousClock.now
            guard now - open.checkedAt >= configuration.reopenCheckInterval else { return open.pool }
            open.checkedAt = now
            guard let previous = open.identity, FileIdentity(path: configuration.path) != previous else {
                return open.pool
            }
            let pool = try Self.open(configuration)
            let copied = try Self.copyEntries(from: open.pool, to: pool)
            open = OpenDatabase(pool: pool, path: configuration.path)
            reopened(copied: copied)
            return pool
        }
    }

    /// Counted as a failure, but not kept as failing: the new file works.
    private func reopened(copied: Int) {
        metrics.failed(
            "reopen",
            "\(configuration.path) was deleted or replaced while open; a new file was created there and the "
                + "\(copied) entries of the old one copied in"
        )
        metrics.worked("reopen")
    }

    /// Copies every entry of `old` that `new` does not have; returns how many `old` had.
    static func copyEntries(from old: DatabasePool, to new: DatabasePool) throws -> Int {
        let rows = try old.read { db in
            try Row.fetchAll(db, sql: "SELECT sha256, provider, file_id, created_at FROM file_ids")
        }
        try new.write { db in
            let insert = try db.makeStatement(
                sql: "INSERT OR IGNORE INTO file_ids (sha256, provider, file_id, created_at) VALUES (?, ?, ?, ?)"
            )
            for row in rows {
                let values: [DatabaseValue] = [row[0], row[1], row[2], row[3]]
                try insert.execute(arguments: StatementArguments(values))
            }
        }
        return rows.count
    }
}
