import Foundation
import MetricsWire

/// The PromQL of one fleet round, for a selector and a window.
///
/// Percentiles merge only as histograms: they come from the buckets' rates summed by `le` across every
/// instance (one query; ``FleetHistogram`` does `histogram_quantile`'s arithmetic for each quantile),
/// never from the instances' own percentiles. With ``FleetRecordingRules`` loaded in Prometheus, the
/// histogram, counter and per-instance queries read the recorded series instead of every raw series.
struct FleetQueries: Sendable {
    /// The latency histogram the engines expose.
    static let duration = "mcp_server_operation_duration_seconds"
    /// The quantiles read per tool: p50, p95, p99, and 1 (the upper bound of the slowest bucket hit).
    static let quantiles: [Double] = [0.5, 0.95, 0.99, 1]

    /// The selector's label matchers without braces (`job="mcp"`), empty for none.
    let matchers: String
    /// The range of every rate, like `60s` (the rules' own range when they are read).
    let window: String
    /// The recording rules to read, `nil` to read the raw series.
    var rules: FleetRecordingRules? = nil

    /// `name{matchers, extra}`.
    func series(_ name: String, _ extra: String...) -> String {
        let all = ([matchers] + extra).filter { !$0.isEmpty }
        return name + "{" + all.joined(separator: ",") + "}"
    }

    private var toolCalls: String { "mcp_method_name=\"tools/call\"" }

    /// Each tool's bucket rates by outcome (`error_type`, none for successes), per second.
    var buckets: String {
        let rated =
            rules.map { series($0.bucketRates, toolCalls) }
            ?? "rate(\(series(Self.duration + "_bucket", toolCalls))[\(window)])"
        return "sum by (le, gen_ai_tool_name, error_type) (\(rated))"
    }

    /// Calls (`…_count`) of each tool and error type, and latency sums (`…_sum`, seconds) of each tool,
    /// since the instances started, told apart by `__name__`.
    var counters: String {
        let names =
            rules.map { [$0.counts, $0.sums] } ?? [Self.duration + "_count", Self.duration + "_sum"]
        return
            "sum by (__name__, gen_ai_tool_name, error_type) (\(series("", "__name__=~\"\(names.joined(separator: "|"))\"", toolCalls)))"
    }

    /// Every cache counter and gauge, summed per cache.
    var caches: String {
        "sum by (__name__, cache) (\(series("", "__name__=~\"dashboard_cache_.+\"")))"
    }

    /// Hits and misses per second of each cache, told apart by a `kind` label.
    var cacheRates: String {
        ["hits", "misses"].map { kind in
            "label_replace(sum by (cache) (rate(\(series("dashboard_cache_\(kind)_total"))[\(window)])), \"kind\", \"\(kind)\", \"\", \"\")"
        }.joined(separator: " or ")
    }

    /// `up` of each instance the selector matches; without one, of every target (the round keeps
    /// those of the jobs with an engine: ``gauges`` has their `dashboard_engine_info`).
    var up: String { series("up") }

    /// Each instance's own gauges and engine description.
    var gauges: String {
        series(
            "",
            "__name__=~\"dashboard_engine_info|dashboard_requests_in_flight|dashboard_active_sessions|dashboard_uptime_seconds|process_resident_memory_bytes\""
        )
    }

    /// Calls per second of each instance, by error type.
    var instanceRates: String {
        let rated =
            rules.map { series($0.instanceRates, toolCalls) }
            ?? "rate(\(series(Self.duration + "_count", toolCalls))[\(window)])"
        return "sum by (job, instance, error_type) (\(rated))"
    }

    /// Turns `--selector` text into label matchers: `{job="mcp"}` or `job="mcp"` give `job="mcp"`.
    static func matchers(fromSelector text: String?) throws(PollError) -> String {
        guard var inner = text?.trimmingCharacters(in: .whitespaces), !inner.isEmpty else { return "" }
        if inner.hasPrefix("{") {
            guard inner.hasSuffix("}") else {
                throw PollError(
                    .invalidTarget,
                    "the selector \(JSONText.quoted(DisplayText.sanitized(inner, maxLength: 80))) opens { and never closes it",
                    hint: "write label matchers such as '{job=\"mcp\"}' or '{job=\"mcp\",env=~\"prod|staging\"}'"
                )
            }
            inner = String(inner.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        guard !inner.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw PollError(.invalidTarget, "the selector contains control characters", hint: nil)
        }
        guard inner.isEmpty || inner.contains(where: { $0 == "=" || $0 == "~" }) else {
            throw PollError(
                .invalidTarget,
                "the selector \(JSONText.quoted(DisplayText.sanitized(inner, maxLength: 80))) has no label matcher",
                hint: "write label matchers such as '{job=\"mcp\"}'; a metric name is not needed"
            )
        }
        return inner
    }
}
