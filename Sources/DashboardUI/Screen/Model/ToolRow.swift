import MetricsClient
import MetricsWire

/// One line of the latency table: a tool of one target, its figures and its derived rate and history.
struct ToolRow: Sendable, Equatable {
    var name: String
    /// The target's id.
    var target: String
    /// The target's name, shown when several targets are watched.
    var server: String
    var calls: Int
    var failed: Int
    /// Calls per second over the rate window; nil before two snapshots.
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
    /// Whether the target's data is old (not connected) or the target ended.
    var isStale: Bool
    /// Rounds, when some calls took several (`6 rounds`), shown beside the name.
    var rounds: String?

    /// The row for `metrics` of `target`.
    init(_ metrics: ToolMetrics, name: String, target: TargetView) {
        self.name = name
        self.target = target.id
        self.server = target.name
        self.calls = metrics.totalCalls
        self.failed = metrics.failedCalls
        self.callsPerSecond = target.callRates[name]
        self.successRate = metrics.successRate
        self.p50 = metrics.p50LatencyMs
        self.p95 = metrics.p95LatencyMs
        self.p99 = metrics.p99LatencyMs
        self.max = metrics.maxLatencyMs
        let history = target.history[name]
        self.p95History = history?.p95 ?? []
        self.callRateHistory = history?.callRate ?? []
        self.isStale = target.hasEnded || !target.connection.isConnected
        self.rounds = metrics.rounds?.short
    }

    /// The tool this row shows.
    var key: ToolKey { ToolKey(target: target, tool: name) }

    /// The name as the table shows it, its rounds beside it.
    var label: String { Self.label(name, rounds: rounds) }

    /// `greet (6 rounds)`, or the name alone.
    static func label(_ name: String, rounds: String?) -> String {
        rounds.map { "\(name) (\($0))" } ?? name
    }
}
