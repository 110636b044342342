import MetricsClient

/// One line of the latency table: a tool's figures and its derived rate and history.
struct ToolRow: Sendable, Equatable {
    var name: String
    var calls: Int
    var failed: Int
    /// Calls per second over the last interval; nil before two snapshots.
    var callsPerSecond: Double?
    var successRate: Double
    var p50: Double
    var p95: Double
    var p99: Double
    var max: Double
    /// Recent p95 values, oldest first.
    var p95History: [Double]
    /// Recent calls-per-second values, oldest first.
    var callRateHistory: [Double]

    /// The row for `metrics`, with the derived figures from `state`.
    init(_ metrics: ToolMetrics, name: String, state: DashboardState) {
        self.name = name
        self.calls = metrics.totalCalls
        self.failed = metrics.failedCalls
        self.callsPerSecond = state.callRates[name]
        self.successRate = metrics.successRate
        self.p50 = metrics.p50LatencyMs
        self.p95 = metrics.p95LatencyMs
        self.p99 = metrics.p99LatencyMs
        self.max = metrics.maxLatencyMs
        self.p95History = state.p95History[name] ?? []
        self.callRateHistory = state.callRateHistory[name] ?? []
    }
}
