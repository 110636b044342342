import MetricsWire

/// The last values of one measure, oldest first, for a sparkline: a ring buffer of fixed capacity.
public struct HistorySeries: Sendable, Equatable {
    /// The most values kept.
    public let capacity: Int
    private var storage: [Double] = []
    private var start = 0

    /// Creates an empty series keeping at most `capacity` values.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The values kept, oldest first.
    public var values: [Double] {
        guard storage.count == capacity, start > 0 else { return storage }
        return Array(storage[start...] + storage[..<start])
    }

    /// The newest `count` values (or all, when fewer are kept), oldest first.
    public func suffix(_ count: Int) -> [Double] {
        let wanted = min(max(0, count), storage.count)
        guard storage.count == capacity else { return Array(storage[(storage.count - wanted)...]) }
        // Full: the oldest is at `start`, the newest just before it.
        guard wanted > start else { return Array(storage[(start - wanted)..<start]) }
        return Array(storage[(capacity - (wanted - start))...]) + storage[..<start]
    }

    /// The value `back` places before the newest (0 is the newest); `back` must be below ``count``.
    public subscript(back back: Int) -> Double {
        let newest = storage.count < capacity ? storage.count - 1 : (start + capacity - 1) % capacity
        return storage[(newest - back + storage.count) % storage.count]
    }

    /// How many values are kept.
    public var count: Int { storage.count }

    /// The newest value.
    public var latest: Double? {
        guard !storage.isEmpty else { return nil }
        return storage.count < capacity ? storage.last : storage[(start + capacity - 1) % capacity]
    }

    /// Adds a value, dropping the oldest when full.
    public mutating func append(_ value: Double) {
        if storage.count < capacity {
            storage.append(value)
        } else {
            storage[start] = value
            start = (start + 1) % capacity
        }
    }

    /// Whether two series hold the same values in the same order.
    public static func == (lhs: HistorySeries, rhs: HistorySeries) -> Bool {
        lhs.capacity == rhs.capacity && lhs.values == rhs.values
    }
}
