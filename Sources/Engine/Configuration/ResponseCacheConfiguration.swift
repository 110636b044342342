/// Settings of the ``ResponseCache``.
public struct ResponseCacheConfiguration: Sendable, Equatable {
    /// Whether the cache answers at all (`SEMANTIC_CACHE_ENABLED`, default `true`).
    public var enabled: Bool
    /// Time to live of an entry unless a put overrides it (`SEMANTIC_CACHE_TTL_SECS`, default 3600 s).
    public var defaultTTL: Duration
    /// Most entries held (`SEMANTIC_CACHE_MAX_SIZE`, default 1000).
    public var maxEntries: Int
    /// Largest response stored, in bytes (`SEMANTIC_CACHE_MAX_RESPONSE_SIZE`, default 1 MiB).
    public var maxResponseBytes: Int
    /// Most bytes held in total (`SEMANTIC_CACHE_MAX_BYTES`, default 256 MiB).
    public var maxTotalBytes: Int
    /// How often expired entries are swept out when ``ResponseCache/runSweeper()`` runs.
    public var sweepInterval: Duration

    /// Creates cache settings; every parameter has the documented default.
    public init(
        enabled: Bool = true,
        defaultTTL: Duration = .seconds(3600),
        maxEntries: Int = 1000,
        maxResponseBytes: Int = 1_048_576,
        maxTotalBytes: Int = 268_435_456,
        sweepInterval: Duration = .seconds(30)
    ) {
        self.enabled = enabled
        self.defaultTTL = defaultTTL
        self.maxEntries = max(1, maxEntries)
        self.maxResponseBytes = max(1, maxResponseBytes)
        self.maxTotalBytes = max(1, maxTotalBytes)
        self.sweepInterval = sweepInterval
    }
}
