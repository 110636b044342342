import Logging
import PostgresNIO

/// The shared store's tables, created and migrated by version when a connection opens.
///
/// Every migration runs in one transaction that first takes a transaction-scoped advisory lock, so replicas
/// that start at once against an empty database queue up behind the first: it creates the tables, the
/// others find the version already current and change nothing. A database migrated by a newer dashboard
/// (a version this one does not know) is refused rather than written in a shape it does not understand.
enum SharedStoreSchema {
    /// The lock every migration holds (an arbitrary constant: the text `dashbrd` as a number).
    static let lock: Int64 = 0x6461_7368_6272_64
    /// The lock a sweep of the shared response cache holds, so one replica sweeps at a time.
    static let sweepLock: Int64 = lock + 1

    /// The version this build writes.
    static var current: Int { migrations.count }

    /// Migration N (from 1) takes the schema from version N-1 to N.
    static let migrations: [[PostgresQuery]] = [
        [
            """
            CREATE TABLE dashboard_file_ids (
                provider text NOT NULL,
                sha256 text NOT NULL,
                file_id text NOT NULL,
                created_at double precision NOT NULL,
                PRIMARY KEY (provider, sha256)
            )
            """,
            "CREATE INDEX dashboard_file_ids_file_id ON dashboard_file_ids (file_id)",
            """
            CREATE TABLE dashboard_responses (
                key text PRIMARY KEY,
                value text NOT NULL,
                bytes integer NOT NULL,
                stored_at double precision NOT NULL,
                expires_at double precision NOT NULL
            )
            """,
            "CREATE INDEX dashboard_responses_expires_at ON dashboard_responses (expires_at)",
            "CREATE INDEX dashboard_responses_stored_at ON dashboard_responses (stored_at)",
        ]
    ]

    /// What stops a store from being used, in words.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// The schema's version, or `nil` without the version table.
    static func version(_ connection: PostgresConnection, logger: Logger) async throws -> Int? {
        var exists = false
        for try await found in try await connection.query(
            "SELECT to_regclass('dashboard_schema') IS NOT NULL",
            logger: logger
        ).decode(Bool.self) {
            exists = found
        }
        guard exists else { return nil }
        var version = 0
        for try await found in try await connection.query("SELECT version FROM dashboard_schema", logger: logger)
            .decode(Int.self)
        {
            version = max(version, found)
        }
        return version
    }

    /// Brings the database to ``current``; throws ``Problem`` for a schema newer than this build knows.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        // Current already (the usual case): nothing is created or locked, so a role that may only read and
        // write the rows of tables an administrator made works too.
        if try await version(connection, logger: logger) == current { return }
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(\(lock))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS dashboard_schema (version integer NOT NULL)",
                logger: logger
            )
            var found = 0
            for try await version in try await connection.query(
                "SELECT version FROM dashboard_schema",
                logger: logger
            ).decode(Int.self) {
                found = max(found, version)
            }
            guard found <= current else {
                throw Problem(
                    description: "its schema is version \(found), newer than this dashboard knows (\(current)); "
                        + "upgrade dashboard"
                )
            }
            if found < current {
                for migration in migrations[found...] {
                    for statement in migration { try await connection.query(statement, logger: logger) }
                }
                try await connection.query("DELETE FROM dashboard_schema", logger: logger)
                try await connection.query("INSERT INTO dashboard_schema (version) VALUES (\(current))", logger: logger)
                logger.info("shared store schema migrated", metadata: ["from": "\(found)", "to": "\(current)"])
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
