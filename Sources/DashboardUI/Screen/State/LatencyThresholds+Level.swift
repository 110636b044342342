import ConfigFile

extension LatencyThresholds {
    /// The level of a tail latency (`latencyMs`, a p95 or p99) of `tool` on `server` whose window p50 is
    /// `p50Ms`.
    func level(latencyMs: Double, p50Ms: Double, tool: String, server: String) -> Theme.Level {
        if let rule = rule(tool: tool, server: server) {
            if latencyMs >= rule.criticalMs { return .critical }
            if latencyMs >= rule.warningMs { return .warning }
            return .good
        }
        guard latencyMs >= floorMs, p50Ms > 0 else { return .normal }
        if latencyMs >= p50Ms * relativeCritical { return .critical }
        if latencyMs >= p50Ms * relativeWarning { return .warning }
        return .normal
    }

    /// The level of a success rate (0–100).
    func level(successRate: Double) -> Theme.Level {
        if successRate < successCritical { return .critical }
        if successRate < successWarning { return .warning }
        return .good
    }
}
