import MetricsClient
import MetricsWire

/// One cache of one target, as the caches pane lists it.
struct CacheRow: Sendable, Equatable {
    /// The target's name; empty when one target is watched.
    var server: String
    var metrics: CacheMetrics
    /// Hit rate (0–100) over the last interval, when the cache saw lookups.
    var intervalHitRate: Double?

    /// The caches to show: all of one target's, or, with several targets, those that have been used.
    /// The response cache first, then the file-ID cache, then any others by name; targets in order.
    static func rows(for state: DashboardState) -> [CacheRow] {
        let order = ["semantic_cache": 0, "file_cache": 1]
        var rows: [CacheRow] = []
        for target in state.targets {
            let caches = (target.snapshot?.cacheMetrics ?? [:]).sorted { lhs, rhs in
                let left = order[lhs.key] ?? 2
                let right = order[rhs.key] ?? 2
                return left != right ? left < right : lhs.key < rhs.key
            }
            for (name, metrics) in caches
            where !state.isMultiTarget || metrics.totalRequests > 0 || (metrics.entries ?? 0) > 0 {
                rows.append(
                    CacheRow(
                        server: state.isMultiTarget ? target.name : "",
                        metrics: metrics,
                        intervalHitRate: target.intervalHitRates[name]
                    )
                )
            }
        }
        return rows
    }
}
