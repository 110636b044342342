import MetricsWire

/// Settings of the ``ResponseCache``.
public struct ResponseCacheConfiguration: Sendable, Equatable {
    /// Whether the cache answers at all (`SEMANTIC_CACHE_ENABLED`, default `true`).
    public var enabled: Bool
    /// Time to live of an entry unless a put overrides it (`SEMANTIC_CACHE_TTL_SECS`, default 3600 s).
    @Clamped public var defaultTTL: Duration
    /// Most entries held (`SEMANTIC_CACHE_MAX_SIZE`, default 1000).
    @Clamped public var maxEntries: Int
    /// Largest response stored, in bytes (`SEMANTIC_CACHE_MAX_RESPONSE_SIZE`, default 1 MiB).
    @Clamped public var maxResponseBytes: Int
    /// Most bytes held in total (`SEMANTIC_CACHE_MAX_BYTES`, default 256 MiB).
    @Clamped public var maxTotalBytes: Int
    /// How often expired entries are swept out when ``ResponseCache/runSweeper()`` runs.
    @Clamped public var sweepInterval: Duration

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
        self._defaultTTL = Clamped(wrappedValue: defaultTTL, .zero...)
        self._maxEntries = Clamped(wrappedValue: maxEntries, 1...)
        self._maxResponseBytes = Clamped(wrappedValue: maxResponseBytes, 1...)
        self._maxTotalBytes = Clamped(wrappedValue: maxTotalBytes, 1...)
        self._sweepInterval = Clamped(wrappedValue: sweepInterval, .milliseconds(10)...)
    }
}
