import MetricsWire
import Synchronization

/// An LRU cache of model responses with per-entry TTL and entry, byte and per-response bounds.
///
/// A read refreshes recency; when a bound is exceeded the least recently *used* entries go. Expired entries
/// are removed when met and by ``sweepExpired()``; they never count as entries. Concurrent misses for one
/// key in ``response(for:options:compute:)`` share a single `compute`. Every hit, miss, eviction,
/// expiration, rejection and coalesced wait is counted in the collector's `semantic_cache`.
public final class ResponseCache: Sendable {
    /// The settings this cache was made with.
    public let configuration: ResponseCacheConfiguration
    let metrics: CacheRecorder
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state: Guarded<State>
    /// The second level shared with other replicas (`SEMANTIC_CACHE_URL`); `nil` without a URL.
    public let shared: SharedResponses?
    /// Writes to the shared level not finished yet (at most ``maxPendingWrites``; more are not shared).
    let pendingWrites = Atomic<Int>(0)
    static let maxPendingWrites = 256

    private struct State {
        var store: LRUStore
        /// Keys being computed, with the callers waiting for them.
        var inFlight: [ResponseCacheKey: [CheckedContinuation<String?, any Error>]] = [:]
    }

    /// The cache name used in `cache_metrics`.
    public static let metricsName = "semantic_cache"

    /// Creates a cache that reports to `collector` under ``metricsName``.
    ///
    /// - Parameter now: the clock TTLs are measured on; tests pass a manual one.
    public init(
        configuration: ResponseCacheConfiguration = .init(),
        collector: MetricsCollector,
        shared: SharedResponses? = nil,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.configuration = configuration
        self.metrics = collector.cache(Self.metricsName)
        self.now = now
        self.shared = shared
        if let shared { metrics.setStore(shared.store) } else { metrics.setStore(name: "memory") }
        self.state = Guarded(State(store: LRUStore(capacity: configuration.maxEntries)))
        metrics.setLimits(maxEntries: configuration.maxEntries, maxBytes: configuration.maxTotalBytes)
        metrics.setSize(entries: 0, bytes: 0)
        // Expired entries must not show up as entries in a snapshot, so each snapshot sweeps first.
        metrics.setRefresh { [weak self] in self?.sweepExpired() }
    }

    /// The cached response for `key` in this process (the first level), counted as a hit or a miss; `nil`
    /// when absent, expired or disabled. With a ``shared`` level a miss is not counted here: ask
    /// ``sharedValue(for:)`` next, which counts it.
    public func value(for key: ResponseCacheKey) -> String? {
        guard configuration.enabled else { return nil }
        let instant = now()
        let (value, expired) = state.withLock { state in
            let result = state.store.value(for: key, now: instant)
            if result.1 { publishSize(state.store) }
            return result
        }
        if expired { metrics.expired() }
        if value != nil { metrics.hit() } else if shared == nil { metrics.miss() }
        return value
    }

    /// Stores `value` for `key` with `ttl` (default: the configured TTL), evicting least recently used
    /// entries as needed. A value over the per-entry byte limit is refused and counted.
    /// With a ``shared`` level the value is written there too, without waiting, unless `sharing` is false
    /// (a result for one client only, which other replicas must not get).
    @discardableResult
    public func put(
        _ value: String,
        for key: ResponseCacheKey,
        ttl: Duration? = nil,
        sharing: Bool = true
    ) -> ResponseCachePutResult {
        insert(value, for: key, ttl: ttl, sharing: sharing)
    }

    func insert(_ value: String, for key: ResponseCacheKey, ttl: Duration?, sharing: Bool) -> ResponseCachePutResult {
        guard configuration.enabled else { return .disabled }
        let size = value.utf8.count
        let limit = min(configuration.maxResponseBytes, configuration.maxTotalBytes)
        guard size <= limit else {
            metrics.rejected()
            return .rejectedTooLarge(bytes: size, limit: limit)
        }
        let instant = now()
        let removed = state.withLock { state in
            let removed = state.store.insert(
                key: key,
                value: value,
                bytes: size,
                expires: instant.advanced(by: ttl ?? configuration.defaultTTL),
                maxEntries: configuration.maxEntries,
                maxBytes: configuration.maxTotalBytes,
                now: instant
            )
            publishSize(state.store)
            return removed
        }
        if removed.evicted > 0 { metrics.evicted(removed.evicted) }
        if removed.expired > 0 { metrics.expired(removed.expired) }
        if sharing { writeThrough(value, for: key, ttl: ttl ?? configuration.defaultTTL) }
        return .stored
    }

    /// The response for `request`: from the cache, or from `compute`, whose result is then stored.
    ///
    /// When another call is already computing the same key, this one waits for that result instead of
    /// calling `compute` (counted as `coalesced`). If the computing call throws, every waiter gets the error
    /// and nothing is stored.
    public func response(
        for request: CacheRequest,
        options: ResponseCacheOptions = .init(),
        compute: () async throws -> String
    ) async throws -> (value: String, source: ResponseSource) {
        guard configuration.enabled else { return (try await compute(), .computed) }
        let key = request.key
        if options.bypass {
            let value = try await compute()
            if !options.noStore { put(value, for: key, ttl: options.ttl) }
            return (value, .computed)
        }
        while true {
            switch lookupOrLead(key) {
            case .hit(let value):
                return (value, .hit)
            case .lead:
                if shared != nil, let value = await sharedValue(for: key) {
                    finishLead(key: key, value: value)
                    return (value, .hit)
                }
                return (try await lead(key: key, options: options, compute: compute), .computed)
            case .follow:
                if let value = try await follow(key: key) { return (value, .coalesced) }
            // The computation finished between our lookup and our wait: look again.
            }
        }
    }

    /// Removes every expired entry now; returns how many. ``runSweeper()`` calls it periodically.
    @discardableResult
    public func sweepExpired() -> Int {
        let instant = now()
        let removed = state.withLock { state in
            let removed = state.store.removeExpired(now: instant)
            if removed > 0 { publishSize(state.store) }
            return removed
        }
        if removed > 0 { metrics.expired(removed) }
        return removed
    }

    /// Sweeps expired entries every ``ResponseCacheConfiguration/sweepInterval`` until cancelled.
    public func runSweeper() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.sweepInterval)
            } catch {
                return
            }
            sweepExpired()
            await sweepShared()
        }
    }

    /// Live entries (expired ones are swept first, so they never count).
    public var count: Int {
        sweepExpired()
        return state.withLock { $0.store.count }
    }

    /// Bytes held by live entries.
    public var bytes: Int {
        sweepExpired()
        return state.withLock { $0.store.bytes }
    }

    /// Removes the entry for `request`, if any.
    public func remove(_ request: CacheRequest) {
        state.withLock { state in
            if state.store.removeValue(for: request.key) { publishSize(state.store) }
        }
    }

    /// Removes every entry.
    public func removeAll() {
        state.withLock { state in
            state.store.removeAll()
            publishSize(state.store)
        }
    }

    /// Keys from most to least recently used, for tests.
    var keysByRecency: [ResponseCacheKey] {
        state.withLock { $0.store.keysByRecency }
    }

    private enum Lookup {
        case hit(String)
        case lead
        case follow
    }

    private func lookupOrLead(_ key: ResponseCacheKey) -> Lookup {
        let instant = now()
        let (lookup, expired) = state.withLock { state -> (Lookup, Bool) in
            let (value, expired) = state.store.value(for: key, now: instant)
            if expired { publishSize(state.store) }
            if let value { return (.hit(value), expired) }
            if state.inFlight[key] != nil { return (.follow, expired) }
            state.inFlight[key] = []
            return (.lead, expired)
        }
        if expired { metrics.expired() }
        switch lookup {
        case .hit: metrics.hit()
        case .lead: if shared == nil { metrics.miss() }
        case .follow: break
        }
        return lookup
    }

    private func lead(
        key: ResponseCacheKey,
        options: ResponseCacheOptions,
        compute: () async throws -> String
    ) async throws -> String {
        let value: String
        do {
            value = try await compute()
        } catch {
            let waiters = state.withLock { $0.inFlight.removeValue(forKey: key) ?? [] }
            for waiter in waiters { waiter.resume(throwing: error) }
            throw error
        }
        if !options.noStore { put(value, for: key, ttl: options.ttl) }
        let waiters = state.withLock { $0.inFlight.removeValue(forKey: key) ?? [] }
        for waiter in waiters { waiter.resume(returning: value) }
        return value
    }

    /// Ends a lead the shared level answered: fills this process's level (without writing back) and hands
    /// the value to the waiters.
    private func finishLead(key: ResponseCacheKey, value: String) {
        let waiters = state.withLock { $0.inFlight.removeValue(forKey: key) ?? [] }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// Waits for the call computing `key`; `nil` if it finished before this call could register.
    private func follow(key: ResponseCacheKey) async throws -> String? {
        let value: String? = try await withCheckedThrowingContinuation { continuation in
            let registered = state.withLock { state in
                guard state.inFlight[key] != nil else { return false }
                state.inFlight[key]?.append(continuation)
                return true
            }
            if !registered { continuation.resume(returning: nil) }
        }
        if value != nil {
            metrics.miss()
            metrics.coalesced()
        }
        return value
    }

    private func publishSize(_ store: LRUStore) {
        metrics.setSize(entries: store.count, bytes: store.bytes)
    }
}
