import MetricsWire
import Synchronization

/// Counters of one cache, fed by the cache itself; get it from ``MetricsCollector/cache(_:)``.
///
/// Counters (hits, misses, …) only grow until a reset; gauges (entries, bytes) are set by the cache to its
/// current size. All of it is lock-free, so the cache can report from inside its own lock.
public final class CacheRecorder: Sendable {
    /// The cache's name as it appears in `cache_metrics`.
    public let name: String
    private let hitCount = Atomic<Int>(0)
    private let missCount = Atomic<Int>(0)
    private let evictionCount = Atomic<Int>(0)
    private let expirationCount = Atomic<Int>(0)
    private let rejectionCount = Atomic<Int>(0)
    private let coalescedCount = Atomic<Int>(0)
    private let entryGauge = Atomic<Int>(0)
    private let byteGauge = Atomic<Int>(0)
    private let entryLimit = Atomic<Int>(0)
    private let byteLimit = Atomic<Int>(0)
    private let enabled: Bool
    private let refresh = Guarded<(@Sendable () -> Void)?>(nil)
    private let failureCount = Atomic<Int>(0)
    /// The latest failure's message while the store is failing, per operation kind (reads and writes can
    /// fail apart: a full disk still reads).
    private let failing = Guarded<[String: String]>([:])
    private let healthSignal: HealthSignal?
    private let sharedHitCount = Atomic<Int>(0)
    private let sharedLookupCount = Atomic<Int>(0)
    /// Where entries live (`sqlite`, `memory`, or a shared store's name) and, for a shared store, its state.
    private let store = Guarded<(name: String, shared: SharedStore?)?>(nil)

    init(name: String, enabled: Bool, healthSignal: HealthSignal? = nil) {
        self.name = name
        self.enabled = enabled
        self.healthSignal = healthSignal
    }

    /// Counts a lookup answered from the cache.
    public func hit() { if enabled { hitCount.add(1, ordering: .relaxed) } }
    /// Counts a lookup the cache could not answer.
    public func miss() { if enabled { missCount.add(1, ordering: .relaxed) } }
    /// Counts entries removed to make room.
    public func evicted(_ count: Int = 1) { if enabled { evictionCount.add(count, ordering: .relaxed) } }
    /// Counts entries removed because they expired.
    public func expired(_ count: Int = 1) { if enabled { expirationCount.add(count, ordering: .relaxed) } }
    /// Counts a put refused for its size.
    public func rejected() { if enabled { rejectionCount.add(1, ordering: .relaxed) } }
    /// Counts a miss that waited for an identical request in flight.
    public func coalesced() { if enabled { coalescedCount.add(1, ordering: .relaxed) } }

    /// Counts a lookup that went on to the shared store after a local miss.
    public func sharedLookup() { if enabled { sharedLookupCount.add(1, ordering: .relaxed) } }
    /// Counts a hit the shared store answered (also counted by ``hit()``).
    public func sharedHit() { if enabled { sharedHitCount.add(1, ordering: .relaxed) } }

    /// Names where the cache keeps its entries (`sqlite`, `memory`).
    public func setStore(name: String) { store.withLock { $0 = (name, nil) } }

    /// Says the cache has `shared` behind its local entries.
    public func setStore(_ shared: SharedStore) { store.withLock { $0 = (shared.url.shortName, shared) } }

    /// Sets the current size of the cache.
    public func setSize(entries: Int, bytes: Int?) {
        entryGauge.store(entries, ordering: .relaxed)
        byteGauge.store(bytes ?? -1, ordering: .relaxed)
    }

    /// Sets the cache's limits; `nil` for a limit the cache does not have.
    public func setLimits(maxEntries: Int?, maxBytes: Int?) {
        entryLimit.store(maxEntries ?? -1, ordering: .relaxed)
        byteLimit.store(maxBytes ?? -1, ordering: .relaxed)
    }

    /// Sets work to run before each snapshot reads the gauges, e.g. removing expired entries.
    public func setRefresh(_ body: @escaping @Sendable () -> Void) {
        refresh.withLock { $0 = body }
    }

    func reset() {
        hitCount.store(0, ordering: .relaxed)
        missCount.store(0, ordering: .relaxed)
        failureCount.store(0, ordering: .relaxed)
        evictionCount.store(0, ordering: .relaxed)
        expirationCount.store(0, ordering: .relaxed)
        rejectionCount.store(0, ordering: .relaxed)
        coalescedCount.store(0, ordering: .relaxed)
        sharedHitCount.store(0, ordering: .relaxed)
        sharedLookupCount.store(0, ordering: .relaxed)
    }

    /// Counts an operation of `kind` (e.g. "write") the store could not do, and keeps its message.
    public func failed(_ kind: String, _ message: String) {
        failureCount.add(1, ordering: .relaxed)
        let started = failing.withLock { $0.updateValue(message, forKey: kind) == nil }
        if started { healthSignal?.changed() }
    }

    /// Records that an operation of `kind` worked: the cache is no longer failing at it.
    public func worked(_ kind: String) {
        let stopped = failing.withLock { $0.isEmpty ? false : $0.removeValue(forKey: kind) != nil }
        if stopped { healthSignal?.changed() }
    }

    /// What the latest failure said while the store is failing, else `nil`.
    public var currentFailure: String? {
        failing.withLock { $0.sorted { $0.key < $1.key }.last?.value }
    }

    /// The wire form of these counters.
    var metrics: CacheMetrics {
        refresh.withLock { $0 }?()
        func optional(_ value: Int) -> Int? { value < 0 ? nil : value }
        let store = self.store.withLock { $0 }
        let status = store?.shared?.status
        var failure = currentFailure
        if case .unreachable(let reason)? = status, failure == nil { failure = "shared store unreachable: \(reason)" }
        return CacheMetrics(
            cacheName: name,
            hits: hitCount.load(ordering: .relaxed),
            misses: missCount.load(ordering: .relaxed),
            evictions: evictionCount.load(ordering: .relaxed),
            sizeRejections: rejectionCount.load(ordering: .relaxed),
            expirations: expirationCount.load(ordering: .relaxed),
            coalesced: coalescedCount.load(ordering: .relaxed),
            entries: entryGauge.load(ordering: .relaxed),
            maxEntries: optional(entryLimit.load(ordering: .relaxed)),
            bytes: optional(byteGauge.load(ordering: .relaxed)),
            maxBytes: optional(byteLimit.load(ordering: .relaxed)),
            failures: failureCount.load(ordering: .relaxed),
            lastFailure: failure,
            store: store?.name,
            storeState: status?.name,
            sharedLookups: store?.shared == nil ? nil : sharedLookupCount.load(ordering: .relaxed),
            sharedHits: store?.shared == nil ? nil : sharedHitCount.load(ordering: .relaxed)
        )
    }
}
