/// One tool's exact call counts and latency buckets, for the Prometheus exposition.
public struct LatencyDistribution: Sendable {
    /// The tool's name.
    public var tool: String
    /// Calls recorded.
    public var count: Int
    /// Calls that failed.
    public var failed: Int
    /// The sum of all latencies, in milliseconds.
    public var sumMs: Double
    /// Cumulative counts of calls at or below each upper bound (ms), ascending; `+Inf` is ``count``.
    public var buckets: [(upperBoundMs: Double, count: Int)]
    /// Failed calls by error type.
    public var errorTypes: [String: Int]
}
