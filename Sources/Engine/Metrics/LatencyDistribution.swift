/// One tool's (or MCP method's) exact call counts and latency buckets, for the Prometheus exposition.
public struct LatencyDistribution: Sendable {
    /// The calls of one outcome: the successful ones (`errorType` nil) or those failed with one error type.
    public struct Outcome: Sendable {
        /// `nil` for successful calls, else the error type.
        public var errorType: String?
        /// Calls recorded.
        public var count: Int
        /// The sum of their latencies, in milliseconds.
        public var sumMs: Double
        /// Cumulative counts of calls at or below each upper bound (ms), ascending; `+Inf` is ``count``.
        public var buckets: [(upperBoundMs: Double, count: Int)]
    }

    /// The MCP method: `tools/call` for a tool, else the method's name (`initialize`, `tools/list`, …).
    public var method: String
    /// The tool's name for `tools/call`, else `nil`.
    public var tool: String?
    /// The successful calls first (always present), then one outcome per error type, sorted by type.
    public var outcomes: [Outcome]

    /// Calls recorded, of every outcome.
    public var count: Int { outcomes.reduce(0) { $0 + $1.count } }
    /// Calls that failed.
    public var failed: Int { outcomes.reduce(0) { $0 + ($1.errorType == nil ? 0 : $1.count) } }
}
