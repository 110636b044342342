import Foundation

/// When latencies and success rates change colour.
///
/// A tool matched by a rule (a glob over the tool's name, and optionally over its server's) uses that
/// rule's milliseconds. Any other tool is judged against itself: its p95 or p99 shows as a warning when it
/// is `relativeWarning` times its own window p50 or more, critical from `relativeCritical` times, and never
/// below `floorMs`. So a model call that always takes two seconds stays plain, and a tool whose tail grows
/// far beyond its usual time stands out.
public struct LatencyThresholds: Sendable, Equatable {
    /// Fixed milliseconds for the tools it matches.
    public struct Rule: Sendable, Equatable {
        /// A glob (`*`, `?`, `[…]`) over tool names.
        public var tool: String
        /// A glob over server names; nil matches every server.
        public var server: String?
        /// Milliseconds from which a latency shows as a warning.
        public var warningMs: Double
        /// Milliseconds from which a latency shows as critical.
        public var criticalMs: Double

        /// A rule for `tool` (and `server`, when given).
        public init(tool: String, server: String? = nil, warningMs: Double, criticalMs: Double) {
            self.tool = tool
            self.server = server
            self.warningMs = warningMs
            self.criticalMs = criticalMs
        }
    }

    /// Rules in order; the first that matches a tool applies.
    public var rules: [Rule]
    /// A tail this many times the tool's p50 is a warning.
    public var relativeWarning: Double
    /// A tail this many times the tool's p50 is critical.
    public var relativeCritical: Double
    /// Latencies below this many milliseconds are never coloured by the relative rule.
    public var floorMs: Double
    /// A success rate (0–100) below this shows as a warning.
    public var successWarning: Double
    /// A success rate (0–100) below this shows as critical.
    public var successCritical: Double

    /// Creates thresholds; the defaults judge each tool against its own median.
    public init(
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
    public func rule(tool: String, server: String) -> Rule? {
        rules.first { rule in
            Self.glob(rule.tool, matches: tool) && (rule.server.map { Self.glob($0, matches: server) } ?? true)
        }
    }

    /// Whether `name` matches the shell glob `pattern` (`fnmatch`, no special treatment of `/` or dots).
    public static func glob(_ pattern: String, matches name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}
