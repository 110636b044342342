import Foundation
import MetricsWire

/// Prometheus recording rules that sum the engines' latency histogram and counters across instances
/// once per rule evaluation, so a fleet round reads a few thousand recorded series instead of every
/// instance's buckets (50 instances × 50 tools are about 100 000 raw series).
///
/// The names follow Prometheus's `level:metric:operations` convention; `sum without (instance)` keeps
/// `job` and every other target label, so a selector on them still matches. `dashboard --prometheus`
/// finds the rules on its own (`GET /api/v1/rules`) and reads them when all four are loaded and healthy.
public struct FleetRecordingRules: Sendable, Equatable {
    /// The rates' range in Prometheus notation, like `1m`.
    public let window: String
    /// The range in seconds.
    public let windowSeconds: Double
    /// When Prometheus evaluates them, once read from its rules API.
    var schedule: PrometheusAPI.RuleSchedule? = nil

    /// Rules whose rates span `window` (Prometheus notation: `1m`, `30s`, `2m30s`).
    public init(window: String) throws(PollError) {
        guard window.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
            let seconds = PrometheusAPI.seconds(window),
            seconds >= 1
        else {
            throw PollError(
                .invalidTarget,
                "the window \(JSONText.quoted(DisplayText.sanitized(window, maxLength: 40))) is not a Prometheus duration of at least 1s",
                hint: "write it as Prometheus does, such as 1m, 2m or 90s (at least four scrape intervals)"
            )
        }
        self.window = window
        self.windowSeconds = seconds
    }

    /// Bucket rates of every tool and outcome, summed across instances.
    public var bucketRates: String { "job:\(FleetQueries.duration)_bucket:rate\(window)" }
    /// Call rates of each instance by method and outcome, summed across tools.
    public var instanceRates: String { "instance:\(FleetQueries.duration)_count:rate\(window)" }
    /// Call counts of every tool and outcome, summed across instances.
    public var counts: String { "job:\(FleetQueries.duration)_count:sum" }
    /// Latency sums of every tool, summed across instances and outcomes.
    public var sums: String { "job:\(FleetQueries.duration)_sum:sum" }

    /// Each rule's recorded name and expression.
    public var rules: [(record: String, expression: String)] {
        let duration = FleetQueries.duration
        return [
            (bucketRates, "sum without (instance) (rate(\(duration)_bucket[\(window)]))"),
            (instanceRates, "sum without (gen_ai_tool_name) (rate(\(duration)_count[\(window)]))"),
            (counts, "sum without (instance) (\(duration)_count)"),
            (sums, "sum without (instance, error_type) (\(duration)_sum)"),
        ]
    }

    /// The rules file, ready for `rule_files:` in prometheus.yml.
    public var yaml: String {
        var text = """
            # Recording rules for `dashboard --prometheus`: the engines' latency histogram and call counters
            # summed across instances once per evaluation, so each refresh of the fleet view reads a few
            # thousand series instead of every instance's buckets. The dashboard finds these rules on its
            # own. Load this file with `rule_files: [dashboard-rules.yml]` in prometheus.yml, and evaluate
            # it as often as the engines are scraped (evaluation_interval, or an interval: on the group).
            # The window (\(window)) should span at least four scrape intervals.
            groups:
              - name: dashboard-fleet
                rules:

            """
        for rule in rules {
            text += "      - record: \(rule.record)\n        expr: \(rule.expression)\n"
        }
        return text
    }

    /// The complete set among Prometheus's recording rules, shortest window first, with its schedule;
    /// `nil` when no window has all four rules loaded and evaluated without error.
    static func loaded(in recorded: [PrometheusAPI.RecordingRule]) -> FleetRecordingRules? {
        let healthy = Dictionary(recorded.filter { $0.health == "ok" }.map { ($0.name, $0) }) { first, _ in first }
        let prefix = "job:\(FleetQueries.duration)_bucket:rate"
        let candidates = healthy.keys.filter { $0.hasPrefix(prefix) }.compactMap {
            try? FleetRecordingRules(window: String($0.dropFirst(prefix.count)))
        }
        guard
            var found = candidates.sorted(by: { $0.windowSeconds < $1.windowSeconds }).first(where: { rules in
                rules.rules.allSatisfy { healthy[$0.record] != nil }
            })
        else { return nil }
        found.schedule = healthy[found.bucketRates]?.schedule
        return found
    }

    /// Whether a selector's matchers select the same calls in the recorded series: not when they
    /// name a label some rule sums away (`instance`, `gen_ai_tool_name`, `error_type`).
    static func canServe(matchers: String) -> Bool {
        matchers.range(
            of: #"(^|[,\s])(instance|gen_ai_tool_name|error_type)\s*(=|!)"#,
            options: .regularExpression
        ) == nil
    }
}
