import Engine
import Foundation
import GRDB
import Testing

/// Files written by earlier builds open with their rows, and the schema is recorded once.
@Suite("FileIDCache schema")
struct FileIDCacheSchemaTests {
    @Test("a file whose schema an earlier build recorded in grdb_migrations opens with its rows and count")
    func earlierBuildsFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("ids.sqlite")
        // The layout earlier builds left: both migrations applied through GRDB's migrator, user_version 0.
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE file_ids (sha256 TEXT NOT NULL, provider TEXT NOT NULL, file_id TEXT NOT NULL,
                        created_at REAL NOT NULL, PRIMARY KEY (sha256, provider));
                    CREATE INDEX file_ids_by_id ON file_ids (file_id);
                    CREATE TABLE legacy_imports (source_sha256 TEXT PRIMARY KEY, source_path TEXT NOT NULL,
                        imported_at REAL NOT NULL, rows INTEGER NOT NULL);
                    INSERT INTO file_ids VALUES ('\(String(repeating: "a", count: 64))', 'kimi', 'old-1', 0);
                    """
            )
        }
        migrator.registerMigration("v2-entry-count") { db in
            try db.execute(
                sql: """
                    CREATE TABLE file_ids_count (id INTEGER PRIMARY KEY CHECK (id = 0), entries INTEGER NOT NULL);
                    INSERT INTO file_ids_count (id, entries) VALUES (0, (SELECT COUNT(*) FROM file_ids));
                    CREATE TRIGGER file_ids_count_insert AFTER INSERT ON file_ids
                        BEGIN UPDATE file_ids_count SET entries = entries + 1 WHERE id = 0; END;
                    CREATE TRIGGER file_ids_count_delete AFTER DELETE ON file_ids
                        BEGIN UPDATE file_ids_count SET entries = entries - 1 WHERE id = 0; END;
                    """
            )
        }
        do {
            let queue = try DatabaseQueue(path: path)
            try migrator.migrate(queue)
            try queue.close()
        }
        let cache = try FileIDCache(
            configuration: FileCacheConfiguration(ttl: nil, path: path),
            collector: MetricsCollector()
        )
        #expect(try cache.fileID(sha256: String(repeating: "a", count: 64), provider: "kimi") == "old-1")
        try cache.store(fileID: "new-1", sha256: String(repeating: "b", count: 64), provider: "kimi")
        #expect(try cache.count() == 2)
        let version = try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA user_version") }
        #expect(version == 2)
    }

    @Test("a new file records its schema version, and opening it again changes nothing")
    func newFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("ids.sqlite")
        let configuration = FileCacheConfiguration(ttl: nil, path: path)
        try FileIDCache(configuration: configuration, collector: MetricsCollector())
            .store(fileID: "f-1", sha256: String(repeating: "c", count: 64), provider: "kimi")
        let reopened = try FileIDCache(configuration: configuration, collector: MetricsCollector())
        #expect(try reopened.count() == 1)
        let (version, tables) = try DatabaseQueue(path: path).read { db in
            (
                try Int.fetchOne(db, sql: "PRAGMA user_version"),
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            )
        }
        #expect(version == 2)
        #expect(tables == ["file_ids", "file_ids_count", "legacy_imports"])
    }
}
