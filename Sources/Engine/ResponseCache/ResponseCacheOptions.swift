/// Per-call control of the response cache.
public struct ResponseCacheOptions: Sendable, Equatable {
    /// Skip the lookup and always compute, but still store the result (to refresh an entry).
    public var bypass: Bool
    /// Do not store the result.
    public var noStore: Bool
    /// Time to live of the stored entry instead of the configured default.
    public var ttl: Duration?

    /// Creates options; by default the cache is read and written with the configured TTL.
    public init(bypass: Bool = false, noStore: Bool = false, ttl: Duration? = nil) {
        self.bypass = bypass
        self.noStore = noStore
        self.ttl = ttl
    }
}

/// Where a ``ResponseCache/response(for:options:compute:)`` answer came from.
public enum ResponseSource: String, Sendable, Equatable {
    /// From the cache.
    case hit
    /// From `compute`, run by this call.
    case computed
    /// From `compute` run by a concurrent call for the same key, which this call waited for.
    case coalesced
}

/// The outcome of a ``ResponseCache/put(_:for:ttl:)``.
public enum ResponseCachePutResult: Sendable, Equatable {
    /// The value is stored.
    case stored
    /// The value is larger than the per-entry limit (or the whole cache) and was not stored.
    case rejectedTooLarge(bytes: Int, limit: Int)
    /// The cache is disabled.
    case disabled
}
