import MetricsWire

/// The increase of a monotonic counter, treating a decrease (or a restart) as a restart from zero.
struct CounterDelta {
    let restarted: Bool
    var sawReset = false

    mutating func increase(from before: Int, to after: Int) -> Int {
        if restarted { return max(0, after) }
        guard after >= before else {
            sawReset = true
            return max(0, after)
        }
        return after - before
    }
}
