import Foundation

/// When latencies and success rates change colour.
///
/// A tool matched by a rule (a glob over the tool's name, and optionally over its server's) uses that
/// rule's milliseconds. Any other tool is judged against itself: its p95 or p99 shows as a warning when it
/// is `relativeWarning` times its own window p50 or more, critical from `relativeCritical` times, and never
/// below `floorMs`. So a model call that always takes two seconds stays plain, and a tool whose tail grows
/// far beyond its usual time stands out.
struct LatencyThresholds: Sendable, Equatable {
    /// Fixed milliseconds for the tools it matches.
    struct Rule: Sendable, Equatable {
        /// A glob (`*`, `?`, `[…]`) over tool names.
        var tool: String
        /// A glob over server names; nil matches every server.
        var server: String?
        /// Milliseconds from which a latency shows as a warning.
        var warningMs: Double
        /// Milliseconds from which a latency shows as critical.
        var criticalMs: Double
    }

    /// Rules in order; the first that matches a tool applies.
    var rules: [Rule]
    /// A tail this many times the tool's p50 is a warning.
    var relativeWarning: Double
    /// A tail this many times the tool's p50 is critical.
    var relativeCritical: Double
    /// Latencies below this many milliseconds are never coloured by the relative rule.
    var floorMs: Double
    /// A success rate (0–100) below this shows as a warning.
    var successWarning: Double
    /// A success rate (0–100) below this shows as critical.
    var successCritical: Double

    /// Creates thresholds; the defaults judge each tool against its own median.
    init(
        rules: [Rule] = [],
        relativeWarning: Double = 4,
        relativeCritical: Double = 10,
        floorMs: Double = 50,
        successWarning: Double = 99,
        successCritical: Double = 95
    ) {
        self.rules = rules
        self.relativeWarning = relativeWarning
        self.relativeCritical = relativeCritical
        self.floorMs = floorMs
        self.successWarning = successWarning
        self.successCritical = successCritical
    }

    /// The first rule matching `tool` on `server`.
    func rule(tool: String, server: String) -> Rule? {
        rules.first { rule in
            Self.glob(rule.tool, matches: tool) && (rule.server.map { Self.glob($0, matches: server) } ?? true)
        }
    }

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

    /// Whether `name` matches the shell glob `pattern` (`fnmatch`, no special treatment of `/` or dots).
    static func glob(_ pattern: String, matches name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}
