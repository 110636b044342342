import Foundation

/// The second level (``SharedResponses``, `SEMANTIC_CACHE_URL`): a miss in this process looks there, a hit
/// there fills this process's level for the time the row has left, and every put is written there without
/// the caller waiting. Hits from it are counted apart (`shared_hits`). A store that is down or slower than
/// its deadline makes the lookup a miss; a write it does not take is simply not shared.
extension ResponseCache {
    /// After ``value(for:)`` missed: the shared level's value for `key`, counted as a hit or a miss; `nil`
    /// without a shared level, for no row, and when the store did not answer in time.
    public func sharedValue(for key: ResponseCacheKey) async -> String? {
        guard configuration.enabled, let shared else { return nil }
        metrics.sharedLookup()
        let wall = Date().timeIntervalSince1970
        guard case .hit(let row) = await shared.lookup(key: key.description, now: wall) else {
            metrics.miss()
            return nil
        }
        metrics.hit()
        metrics.sharedHit()
        let left = Duration.milliseconds(Int64(min(max(row.expires - wall, 0), 315_360_000) * 1000))
        insert(row.value, for: key, ttl: min(left, configuration.defaultTTL), sharing: false)
        return row.value
    }

    /// Writes `value` to the shared level in the background; at most ``maxPendingWrites`` at once.
    func writeThrough(_ value: String, for key: ResponseCacheKey, ttl: Duration) {
        guard let shared else { return }
        guard pendingWrites.add(1, ordering: .relaxed).newValue <= Self.maxPendingWrites else {
            pendingWrites.subtract(1, ordering: .relaxed)
            return
        }
        let wall = Date().timeIntervalSince1970
        let expires = wall + ttl / .seconds(1)
        let text = key.description
        Task {
            await shared.store(key: text, value: value, expires: expires, now: wall)
            pendingWrites.subtract(1, ordering: .relaxed)
        }
    }

    /// Writes to the shared level still under way.
    public var pendingSharedWrites: Int { pendingWrites.load(ordering: .relaxed) }

    /// Sweeps the shared level (expired rows, then the oldest past its bounds).
    func sweepShared() async {
        await shared?.sweep(now: Date().timeIntervalSince1970)
    }
}
