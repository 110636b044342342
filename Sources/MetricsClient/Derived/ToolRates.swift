import MetricsWire

/// One tool's activity over an interval.
public struct ToolRates: Sendable, Equatable {
    /// Calls completed in the interval.
    public var calls: Int
    /// Failed calls in the interval.
    public var failures: Int
    /// `calls / interval`.
    public var callsPerSecond: Double
    /// `failures / interval`.
    public var failuresPerSecond: Double

    /// Creates tool rates.
    public init(calls: Int, failures: Int, callsPerSecond: Double, failuresPerSecond: Double) {
        self.calls = calls
        self.failures = failures
        self.callsPerSecond = callsPerSecond
        self.failuresPerSecond = failuresPerSecond
    }

    /// Successful calls as a percentage of the interval's calls; `nil` when there were none.
    public var intervalSuccessRate: Double? {
        calls > 0 ? Double(calls - failures) * 100 / Double(calls) : nil
    }
}
