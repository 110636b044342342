/// The bounds past which a number in a snapshot is flagged as not a real measurement.
enum Plausibility {
    /// Counts and byte totals: a million calls per second for 30 years is about 1e15.
    static let maxCount = 1e15
    /// Latencies in milliseconds: about 11.5 days.
    static let maxLatencyMs = 1e9
    /// Durations in seconds (uptime): about 300 years.
    static let maxSeconds = 1e10
    /// Epoch timestamps in seconds: before the year 5000.
    static let maxTimestamp = 1e11
    /// Percentages, with room for rounding.
    static let percentRange = 0.0...100.005
}
