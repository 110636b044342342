/// Latency and success-rate levels at which the table's figures change colour.
struct LatencyThresholds: Sendable, Equatable {
    /// Milliseconds from which a latency shows as a warning.
    var warningMs: Double
    /// Milliseconds from which a latency shows as critical.
    var criticalMs: Double
    /// A success rate (0–100) below this shows as a warning.
    var successWarning: Double
    /// A success rate (0–100) below this shows as critical.
    var successCritical: Double

    /// Creates thresholds; the defaults suit model-backed tools, whose calls take hundreds of milliseconds.
    init(warningMs: Double = 500, criticalMs: Double = 2000, successWarning: Double = 99, successCritical: Double = 95)
    {
        self.warningMs = warningMs
        self.criticalMs = criticalMs
        self.successWarning = successWarning
        self.successCritical = successCritical
    }
}
