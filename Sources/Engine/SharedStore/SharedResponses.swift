import Foundation
import PostgresNIO

/// The response cache's second level in a ``SharedStore`` (`SEMANTIC_CACHE_URL`): a result cached by one
/// replica answers the same request on another. Rows expire at a wall-clock time (replicas share no other
/// clock) and are bounded in count and bytes by ``sweep(now:)``, which drops expired rows, then the oldest.
public struct SharedResponses: Sendable {
    /// The store the rows are in.
    public let store: SharedStore
    /// Most rows kept (the oldest go first).
    public let maxEntries: Int
    /// Most bytes of values kept (the oldest go first).
    public let maxBytes: Int

    /// Rows in `store`, bounded by `maxEntries` and `maxBytes`.
    public init(store: SharedStore, maxEntries: Int = 100_000, maxBytes: Int = 1 << 30) {
        self.store = store
        self.maxEntries = max(1, maxEntries)
        self.maxBytes = max(1, maxBytes)
    }

    /// The value stored under `key` and when it expires (seconds since 1970), unless expired at `now`.
    func lookup(key: String, now: Double) async -> SharedLookup<(value: String, expires: Double)> {
        let found = await store.perform(.lookup("a cache lookup")) { connection, logger in
            var row: [(String, Double)] = []
            let rows = try await connection.query(
                "SELECT value, expires_at FROM dashboard_responses WHERE key = \(key) AND expires_at > \(now)",
                logger: logger
            )
            for try await (value, expires) in rows.decode((String, Double).self) { row.append((value, expires)) }
            return row
        }
        guard let found else { return .unavailable }
        guard let first = found.first else { return .miss }
        return .hit((value: first.0, expires: first.1))
    }

    /// Stores `value` under `key` until `expires` (seconds since 1970).
    @discardableResult
    func store(key: String, value: String, expires: Double, now: Double) async -> Bool {
        let bytes = value.utf8.count
        // Nobody waits for a write: it may take a second, and one that does not finish is only not shared.
        return await store.perform(
            .write("a cache write"),
            deadline: max(store.timeout, .seconds(1)),
            waitingForConnection: store.connectTimeout
        ) { connection, logger in
            try await connection.query(
                """
                INSERT INTO dashboard_responses (key, value, bytes, stored_at, expires_at)
                VALUES (\(key), \(value), \(bytes), \(now), \(expires))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, bytes = excluded.bytes,
                    stored_at = excluded.stored_at, expires_at = excluded.expires_at
                """,
                logger: logger
            )
            return true
        } ?? false
    }

    /// Deletes expired rows, then the oldest rows past ``maxEntries`` or ``maxBytes``; `false` when the
    /// store did not answer. It runs on a connection of its own (the lookups never queue behind it), in one
    /// transaction with a 5 s statement timeout, and only in one replica at a time: another replica sweeping
    /// already (its advisory lock held) makes this a no-op.
    @discardableResult
    public func sweep(now: Double) async -> Bool {
        let maxEntries = self.maxEntries
        let maxBytes = self.maxBytes
        return await store.withOwnConnection("cache sweep", deadline: .seconds(10)) { connection, logger in
            try await connection.query("BEGIN", logger: logger)
            do {
                try await connection.query("SET LOCAL statement_timeout = '5s'", logger: logger)
                var locked = false
                for try await got in try await connection.query(
                    "SELECT pg_try_advisory_xact_lock(\(SharedStoreSchema.sweepLock))",
                    logger: logger
                ).decode(Bool.self) {
                    locked = got
                }
                if locked {
                    for query: PostgresQuery in [
                        "DELETE FROM dashboard_responses WHERE expires_at <= \(now)",
                        """
                        DELETE FROM dashboard_responses WHERE key IN (
                            SELECT key FROM dashboard_responses ORDER BY stored_at DESC OFFSET \(maxEntries))
                        """,
                        """
                        DELETE FROM dashboard_responses WHERE key IN (
                            SELECT key FROM (SELECT key, sum(bytes) OVER (ORDER BY stored_at DESC, key) AS running
                                FROM dashboard_responses) AS kept WHERE running > \(maxBytes))
                        """,
                    ] {
                        _ = try await connection.query(query, logger: logger).collect()
                    }
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            return true
        } ?? false
    }

    /// Rows and bytes held now; `nil` when the store did not answer.
    public func size() async -> (entries: Int, bytes: Int)? {
        await store.perform(.write("a cache count"), deadline: .seconds(5)) { connection, logger in
            var result = (0, 0)
            let rows = try await connection.query(
                "SELECT count(*)::bigint, coalesce(sum(bytes), 0)::bigint FROM dashboard_responses",
                logger: logger
            )
            for try await (count, bytes) in rows.decode((Int, Int).self) { result = (count, bytes) }
            return result
        }
    }
}
