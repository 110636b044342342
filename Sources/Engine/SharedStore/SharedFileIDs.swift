import Foundation
import PostgresNIO

/// The file-ID cache's rows in a ``SharedStore``: what one replica uploaded is found by every other replica
/// talking to the same provider. ``FileIDCache`` stays the local copy in front of it (see
/// ``SharedFileIDCache``).
public struct SharedFileIDs: Sendable {
    /// The store the rows are in.
    public let store: SharedStore

    /// Rows in `store`.
    public init(store: SharedStore) { self.store = store }

    /// The file id stored for `sha256` (lower-case hex) at `provider` (lower case) and when it was stored
    /// (seconds since 1970). ``FileIDCache/lookup(sha256:provider:)`` is what uploads call.
    public func lookup(sha256: String, provider: String) async -> SharedLookup<(fileID: String, created: Double)> {
        let found = await store.perform(.lookup("a file-ID lookup")) { connection, logger in
            var row: (String, Double)?
            let rows = try await connection.query(
                "SELECT file_id, created_at FROM dashboard_file_ids WHERE provider = \(provider) AND sha256 = \(sha256)",
                logger: logger
            )
            for try await (fileID, created) in rows.decode((String, Double).self) { row = (fileID, created) }
            return row.map { [$0] } ?? []
        }
        guard let found else { return .unavailable }
        guard let first = found.first else { return .miss }
        return .hit((fileID: first.0, created: first.1))
    }

    /// Stores `fileID` for `sha256` (lower-case hex) at `provider` (lower case), created at `created` (seconds
    /// since 1970); `false` when the store did not take it. ``FileIDCache/remember(fileID:sha256:provider:)``
    /// is what uploads call.
    @discardableResult
    public func store(fileID: String, sha256: String, provider: String, created: Double) async -> Bool {
        await store.perform(.write("a file-ID write")) { connection, logger in
            try await connection.query(
                """
                INSERT INTO dashboard_file_ids (provider, sha256, file_id, created_at)
                VALUES (\(provider), \(sha256), \(fileID), \(created))
                ON CONFLICT (provider, sha256) DO UPDATE SET file_id = excluded.file_id,
                    created_at = excluded.created_at
                """,
                logger: logger
            )
            return true
        } ?? false
    }

    /// Deletes the row for `sha256` at `provider` if it is still the one created at `created` (it expired).
    func remove(sha256: String, provider: String, created: Double) async {
        _ = await store.perform(.write("a file-ID delete")) { connection, logger in
            try await connection.query(
                """
                DELETE FROM dashboard_file_ids
                WHERE provider = \(provider) AND sha256 = \(sha256) AND created_at = \(created)
                """,
                logger: logger
            )
            return true
        }
    }

    /// Forgets `fileID`, e.g. after the provider lost it.
    func invalidate(fileID: String) async {
        _ = await store.perform(.write("a file-ID delete")) { connection, logger in
            try await connection.query("DELETE FROM dashboard_file_ids WHERE file_id = \(fileID)", logger: logger)
            return true
        }
    }

    /// Deletes rows created at or before `cutoff` (seconds since 1970).
    func purge(createdAtOrBefore cutoff: Double) async {
        _ = await store.perform(.write("a file-ID purge")) { connection, logger in
            try await connection.query("DELETE FROM dashboard_file_ids WHERE created_at <= \(cutoff)", logger: logger)
            return true
        }
    }
}

/// What a lookup in the shared store found.
public enum SharedLookup<Value> {
    /// A row.
    case hit(Value)
    /// The store answered: no row.
    case miss
    /// The store did not answer (down, slow, refusing): nothing is known.
    case unavailable
}
