import MetricsWire

/// One cache's activity over an interval.
public struct CacheRates: Sendable, Equatable {
    /// Hits in the interval.
    public var hits: Int
    /// Misses in the interval.
    public var misses: Int
    /// Lookups per second.
    public var requestsPerSecond: Double

    /// Creates cache rates.
    public init(hits: Int, misses: Int, requestsPerSecond: Double) {
        self.hits = hits
        self.misses = misses
        self.requestsPerSecond = requestsPerSecond
    }

    /// Hits as a percentage (0–100) of the interval's lookups; `nil` when there were none.
    public var intervalHitRate: Double? {
        hits + misses > 0 ? Double(hits) * 100 / Double(hits + misses) : nil
    }
}
