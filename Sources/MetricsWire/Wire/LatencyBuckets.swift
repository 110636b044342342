/// How a tool's window of latencies is spread: calls counted per latency bucket, for a histogram.
///
/// `counts[i]` is the number of calls with a latency above `upperBoundsMs[i - 1]` and at most
/// `upperBoundsMs[i]` (not cumulative); the last count is of calls above the largest bound, so there is one
/// more count than bounds.
public struct LatencyBuckets: Codable, Sendable, Equatable {
    /// Ascending upper bounds in milliseconds.
    public var upperBoundsMs: [Double]
    /// Calls per bucket, one more than bounds.
    public var counts: [Int]

    /// Creates buckets; `counts` has one more element than `upperBoundsMs`.
    public init(upperBoundsMs: [Double], counts: [Int]) {
        self.upperBoundsMs = upperBoundsMs
        self.counts = counts
    }

    /// The bounds an engine counts its windows in: from 10 µs (proxied local tools) to five minutes (model
    /// calls), about three per decade. The Prometheus exposition uses the ones from 1 ms up.
    public static let standardBoundsMs: [Double] = [
        0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000,
        30_000, 60_000, 120_000, 300_000,
    ]

    /// The same counts over the buckets from the first to the last that counted a call: the lowest kept
    /// bucket then also holds everything below it and the overflow count is 0 — both true, since those
    /// buckets were empty — so the meaning is unchanged and a window spanning a few buckets costs a few
    /// numbers on the wire. Empty counts give no buckets and one count of 0.
    public func trimmed() -> LatencyBuckets {
        guard let first = counts.firstIndex(where: { $0 > 0 }), let last = counts.lastIndex(where: { $0 > 0 }) else {
            return LatencyBuckets(upperBoundsMs: [], counts: [0])
        }
        if last == upperBoundsMs.count {
            return LatencyBuckets(upperBoundsMs: Array(upperBoundsMs[first...]), counts: Array(counts[first...]))
        }
        return LatencyBuckets(
            upperBoundsMs: Array(upperBoundsMs[first...last]),
            counts: Array(counts[first...last]) + [0]
        )
    }

    /// The calls counted.
    public var total: Int { counts.reduce(0, +) }

    /// Whether the shape holds: ascending finite bounds, one count more than bounds, none negative.
    public var isWellFormed: Bool {
        counts.count == upperBoundsMs.count + 1 && counts.allSatisfy { $0 >= 0 }
            && upperBoundsMs.allSatisfy(\.isFinite)
            && zip(upperBoundsMs, upperBoundsMs.dropFirst()).allSatisfy { $0 < $1 }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case upperBoundsMs = "le_ms"
        case counts
    }
}

extension LatencyBuckets: WireObject {
    static let wire = WireSchema<Self>([
        .array(CodingKeys.counts, \.counts) { $0.member($1, $2) },
        .array(CodingKeys.upperBoundsMs, \.upperBoundsMs) { $0.member($1, $2) },
    ])
}
