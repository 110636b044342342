/// The order of the latency table, cycled with `s`.
enum SortKey: String, Sendable, CaseIterable {
    /// Tool name, A to Z.
    case name
    /// Total calls, most first.
    case calls
    /// Calls per second over the last interval, most first.
    case callsPerSecond = "calls/s"
    /// p95 latency, slowest first.
    case p95
    /// p99 latency, slowest first.
    case p99
    /// Failed calls, most first.
    case errors

    /// The key after this one, wrapping around.
    var next: SortKey {
        let all = SortKey.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}
