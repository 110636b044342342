/// The response cache's storage: a hash map into an array-backed doubly linked list, most recent first.
///
/// Nodes live in one array and are linked by index, and freed slots are reused, so a hit (lookup and move
/// to front) allocates nothing. Not thread-safe: ``ResponseCache`` keeps it behind a lock.
struct LRUStore {
    struct Node {
        var key: ResponseCacheKey
        var value: String
        var bytes: Int
        var expires: ContinuousClock.Instant
        var previous: Int
        var next: Int
    }

    /// What a removal was for, so the caller can count it.
    enum Removal {
        case evicted
        case expired
    }

    private(set) var nodes: [Node] = []
    private var index: [ResponseCacheKey: Int] = [:]
    private var free: [Int] = []
    private var head = -1
    private var tail = -1
    private(set) var bytes = 0

    init(capacity: Int) {
        index.reserveCapacity(min(capacity, 1 << 16))
    }

    /// Entries held, expired ones included until they are removed.
    var count: Int { index.count }

    /// The value for `key` if present and not expired at `now`, moved to the front. An expired entry is
    /// removed and reported.
    mutating func value(for key: ResponseCacheKey, now: ContinuousClock.Instant) -> (String?, expired: Bool) {
        guard let slot = index[key] else { return (nil, false) }
        if nodes[slot].expires <= now {
            remove(slot: slot)
            return (nil, true)
        }
        moveToFront(slot)
        return (nodes[slot].value, false)
    }

    /// Stores `value`, replacing any entry for `key`, then removes least recently used entries until the
    /// bounds hold. Returns how many were removed, and why.
    mutating func insert(
        key: ResponseCacheKey,
        value: String,
        bytes size: Int,
        expires: ContinuousClock.Instant,
        maxEntries: Int,
        maxBytes: Int,
        now: ContinuousClock.Instant
    ) -> (evicted: Int, expired: Int) {
        if let slot = index[key] {
            bytes += size - nodes[slot].bytes
            nodes[slot].value = value
            nodes[slot].bytes = size
            nodes[slot].expires = expires
            moveToFront(slot)
        } else {
            let node = Node(key: key, value: value, bytes: size, expires: expires, previous: -1, next: head)
            let slot: Int
            if let reused = free.popLast() {
                nodes[reused] = node
                slot = reused
            } else {
                nodes.append(node)
                slot = nodes.count - 1
            }
            if head >= 0 { nodes[head].previous = slot }
            head = slot
            if tail < 0 { tail = slot }
            index[key] = slot
            bytes += size
        }
        var removed = (evicted: 0, expired: 0)
        while index.count > maxEntries || bytes > maxBytes, tail >= 0, tail != head {
            if nodes[tail].expires <= now { removed.expired += 1 } else { removed.evicted += 1 }
            remove(slot: tail)
        }
        return removed
    }

    /// Removes every entry expired at `now`; returns how many.
    mutating func removeExpired(now: ContinuousClock.Instant) -> Int {
        var removed = 0
        var slot = head
        while slot >= 0 {
            let next = nodes[slot].next
            if nodes[slot].expires <= now {
                remove(slot: slot)
                removed += 1
            }
            slot = next
        }
        return removed
    }

    /// Removes the entry for `key`; returns whether there was one.
    mutating func removeValue(for key: ResponseCacheKey) -> Bool {
        guard let slot = index[key] else { return false }
        remove(slot: slot)
        return true
    }

    mutating func removeAll() {
        self = LRUStore(capacity: index.capacity)
    }

    /// Keys from most to least recently used (for tests and debugging).
    var keysByRecency: [ResponseCacheKey] {
        var keys: [ResponseCacheKey] = []
        var slot = head
        while slot >= 0 {
            keys.append(nodes[slot].key)
            slot = nodes[slot].next
        }
        return keys
    }

    private mutating func unlink(_ slot: Int) {
        let (previous, next) = (nodes[slot].previous, nodes[slot].next)
        if previous >= 0 { nodes[previous].next = next } else { head = next }
        if next >= 0 { nodes[next].previous = previous } else { tail = previous }
        nodes[slot].previous = -1
        nodes[slot].next = -1
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != head else { return }
        unlink(slot)
        nodes[slot].next = head
        if head >= 0 { nodes[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    private mutating func remove(slot: Int) {
        unlink(slot)
        index[nodes[slot].key] = nil
        bytes -= nodes[slot].bytes
        nodes[slot].value = ""
        nodes[slot].bytes = 0
        free.append(slot)
    }
}
