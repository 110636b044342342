/// Counters of one cache.
public struct CacheMetrics: Codable, Sendable, Equatable {
    /// The cache's name: `semantic_cache` or `file_cache`.
    public var cacheName: String
    /// Lookups answered from the cache.
    public var hits: Int
    /// Lookups the cache could not answer.
    public var misses: Int
    /// `hits + misses`.
    public var totalRequests: Int
    /// `hits / totalRequests` as a percentage, 0–100.
    public var hitRate: Double
    /// Entries removed to make room.
    public var evictions: Int
    /// Puts refused because the value was larger than the per-entry limit.
    public var sizeRejections: Int
    /// Entries removed because their time to live ran out.
    public var expirations: Int?
    /// Misses that waited for an identical request already in flight instead of calling upstream.
    public var coalesced: Int?
    /// Entries held now.
    public var entries: Int?
    /// The entry limit.
    public var maxEntries: Int?
    /// Bytes held now.
    public var bytes: Int?
    /// The byte limit.
    public var maxBytes: Int?
    /// Reads and writes the cache's store could not do (e.g. a full disk); `nil` when never reported.
    public var failures: Int?
    /// What the latest failed operation said, while the cache is failing; `nil` once it works again.
    public var lastFailure: String?
    /// Where the entries live: `memory`, `sqlite`, or `postgres HOST/DB` for a shared store behind them.
    public var store: String?
    /// A shared store's state: `connecting`, `ready` or `unreachable`; `nil` without one.
    public var storeState: String?
    /// Lookups that missed locally and asked the shared store; `nil` without one.
    public var sharedLookups: Int?
    /// Hits the shared store answered (they are in ``hits`` too); `nil` without one.
    public var sharedHits: Int?

    /// Creates cache counters.
    public init(
        cacheName: String,
        hits: Int,
        misses: Int,
        evictions: Int = 0,
        sizeRejections: Int = 0,
        expirations: Int? = nil,
        coalesced: Int? = nil,
        entries: Int? = nil,
        maxEntries: Int? = nil,
        bytes: Int? = nil,
        maxBytes: Int? = nil,
        failures: Int? = nil,
        lastFailure: String? = nil,
        store: String? = nil,
        storeState: String? = nil,
        sharedLookups: Int? = nil,
        sharedHits: Int? = nil
    ) {
        self.cacheName = cacheName
        self.hits = hits
        self.misses = misses
        self.totalRequests = hits + misses
        self.hitRate = MetricsRounding.percent(hits, of: hits + misses)
        self.evictions = evictions
        self.sizeRejections = sizeRejections
        self.expirations = expirations
        self.coalesced = coalesced
        self.entries = entries
        self.maxEntries = maxEntries
        self.bytes = bytes
        self.maxBytes = maxBytes
        self.failures = failures
        self.lastFailure = lastFailure
        self.store = store
        self.storeState = storeState
        self.sharedLookups = sharedLookups
        self.sharedHits = sharedHits
    }

    /// Hits answered locally (memory or SQLite) as a percentage of all lookups, 0–100.
    public var localHitRate: Double { MetricsRounding.percent(hits - (sharedHits ?? 0), of: totalRequests) }

    /// Hits the shared store answered as a percentage of the lookups it was asked, 0–100; `nil` without one.
    public var sharedHitRate: Double? {
        guard let sharedLookups, let sharedHits else { return nil }
        return MetricsRounding.percent(sharedHits, of: sharedLookups)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case cacheName = "cache_name"
        case hits, misses
        case totalRequests = "total_requests"
        case hitRate = "hit_rate"
        case evictions
        case sizeRejections = "size_rejections"
        case expirations, coalesced, entries
        case maxEntries = "max_entries"
        case bytes
        case maxBytes = "max_bytes"
        case failures
        case lastFailure = "last_failure"
        case store
        case storeState = "store_state"
        case sharedLookups = "shared_lookups"
        case sharedHits = "shared_hits"
    }
}

extension CacheMetrics: WireObject {
    static let wire = WireSchema<Self>([
        .string(CodingKeys.cacheName, \.cacheName),
        .count(CodingKeys.hits, \.hits),
        .count(CodingKeys.misses, \.misses),
        .count(CodingKeys.evictions, \.evictions),
        .count(CodingKeys.sizeRejections, \.sizeRejections),
        .optionalCount(CodingKeys.expirations, \.expirations),
        .optionalCount(CodingKeys.coalesced, \.coalesced),
        .optionalCount(CodingKeys.entries, \.entries),
        .optionalCount(CodingKeys.maxEntries, \.maxEntries),
        .optionalCount(CodingKeys.bytes, \.bytes),
        .optionalCount(CodingKeys.maxBytes, \.maxBytes),
        .optionalCount(CodingKeys.failures, \.failures),
        .optionalString(CodingKeys.lastFailure, \.lastFailure, displayLength: 240),
        .optionalString(CodingKeys.store, \.store, displayLength: 120),
        .optionalString(CodingKeys.storeState, \.storeState, displayLength: 40),
        .optionalCount(CodingKeys.sharedLookups, \.sharedLookups),
        .optionalCount(CodingKeys.sharedHits, \.sharedHits),
        // After hits and misses: when the server's figure is unusable, the one they give.
        WireField(
            CodingKeys.totalRequests,
            \.totalRequests,
            write: { $1.member(CodingKeys.totalRequests, $0.totalRequests) },
            read: { cache, fields in
                cache.totalRequests = fields.count(CodingKeys.totalRequests) ?? cache.hits + cache.misses
            }
        ),
        WireField(
            CodingKeys.hitRate,
            \.hitRate,
            write: { $1.member(CodingKeys.hitRate, $0.hitRate) },
            read: { cache, fields in
                cache.hitRate =
                    fields.percent(CodingKeys.hitRate)
                    ?? MetricsRounding.percent(cache.hits, of: cache.hits + cache.misses)
            }
        ),
    ])
}
