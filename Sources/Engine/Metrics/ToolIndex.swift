/// Tool names to their recorders, for the by-name `record` path.
///
/// Open addressing with linear probing over a seeded FNV-1a-style hash of the name's UTF-8 bytes: a lookup of a
/// short name is a few multiply-and-xor steps, where `Dictionary`'s SipHash (seeding, combining,
/// finalising) dominated a by-name `record` (BENCHMARKS.md). The seed is random per process; a run of colliding
/// names costs at most a walk over the names held, which the collector bounds (``MetricsCollector``
/// keeps at most five names per tool it allows). Not thread-safe: it lives inside the collector's lock.
struct ToolIndex {
    private var names: [String?]
    private var recorders: [ToolRecorder?]
    /// Names held.
    private(set) var count = 0
    private let seed = UInt64.random(in: 0...UInt64.max)

    init() {
        names = [String?](repeating: nil, count: 64)
        recorders = [ToolRecorder?](repeating: nil, count: 64)
    }

    /// The recorder stored for exactly `name`, if any.
    func recorder(for name: String) -> ToolRecorder? {
        let mask = names.count - 1
        var slot = Int(truncatingIfNeeded: hash(name)) & mask
        while let candidate = names[slot] {
            if candidate == name { return recorders[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Stores `recorder` for `name`, replacing what was there.
    mutating func set(_ recorder: ToolRecorder, for name: String) {
        if (count + 1) * 2 > names.count { grow() }
        let mask = names.count - 1
        var slot = Int(truncatingIfNeeded: hash(name)) & mask
        while let candidate = names[slot] {
            if candidate == name {
                recorders[slot] = recorder
                return
            }
            slot = (slot + 1) & mask
        }
        names[slot] = name
        recorders[slot] = recorder
        count += 1
    }

    private mutating func grow() {
        let old = zip(names, recorders)
        names = [String?](repeating: nil, count: names.count * 2)
        recorders = [ToolRecorder?](repeating: nil, count: names.count)
        count = 0
        for case let (name?, recorder?) in old { set(recorder, for: name) }
    }

    /// FNV-1a over 8-byte words (then the tail bytes), seeded; one multiply per word keeps short names
    /// to a few nanoseconds.
    private func hash(_ name: String) -> UInt64 {
        let prime: UInt64 = 0x0000_0100_0000_01B3
        var hash = seed ^ 0xCBF2_9CE4_8422_2325
        let hashed: Void? = name.utf8.withContiguousStorageIfAvailable { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            var offset = 0
            while offset + 8 <= raw.count {
                hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* prime
                hash ^= hash >> 29
                offset += 8
            }
            while offset < raw.count {
                hash = (hash ^ UInt64(raw[offset])) &* prime
                offset += 1
            }
        }
        if hashed == nil {
            for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* prime }
        }
        // Fold the high bits into the low ones the mask keeps.
        return hash ^ (hash >> 32)
    }
}
