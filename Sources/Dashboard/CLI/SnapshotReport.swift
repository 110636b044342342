import DashboardUI
import Foundation
import MetricsClient
import MetricsWire

/// The plain-text and JSON renderings of one snapshot for `dashboard snapshot`.
enum SnapshotReport {
    /// The widest tool name shown; longer names are shortened with `…`.
    static let maxNameWidth = 40

    /// The snapshot as sorted, indented JSON.
    static func json(_ snapshot: MetricsSnapshot) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity",
            negativeInfinity: "-Infinity",
            nan: "NaN"
        )
        return String(decoding: try encoder.encode(snapshot), as: UTF8.self)
    }

    /// The flagged values, one per line, with a count of those not listed.
    static func issueLines(_ decoded: DecodedSnapshot) -> [String] {
        var lines = decoded.issues.prefix(20).map(\.description)
        if decoded.issueCount > lines.count {
            lines.append("… and \(decoded.issueCount - lines.count) more flagged values")
        }
        return lines
    }

    /// A summary for people: header, tools, caches, uploads, flagged values.
    static func text(_ polled: PolledSnapshot, target: MetricsTarget) -> String {
        let snapshot = polled.snapshot
        var out = header(snapshot, target: target)
        guard snapshot.enabled else {
            out += "\nmetrics are disabled on this server (\"enabled\": false)\n"
            return out
        }
        if let fleet = snapshot.fleet { out += "\n" + Self.fleet(fleet) }
        out += "\n" + tools(snapshot)
        if !snapshot.cacheMetrics.isEmpty { out += "\n" + caches(snapshot) }
        if let upload = snapshot.uploadMetrics { out += "\n" + uploads(upload) }
        if let mcp = snapshot.mcp { out += "\n" + server(mcp) }
        let issues = issueLines(polled.decoded)
        if !issues.isEmpty {
            out += "\n\(polled.decoded.issueCount) flagged value(s) (shown as 0):\n"
            out += issues.map { "  \($0)\n" }.joined()
        }
        return out
    }

    private static func header(_ snapshot: MetricsSnapshot, target: MetricsTarget) -> String {
        let source: String
        if snapshot.fleet != nil {
            source = "fleet through Prometheus"
        } else if let engine = snapshot.engine {
            let demo = engine.demo ? ", demo" : ""
            source =
                "\(DisplayText.sanitized(engine.name)) \(DisplayText.sanitized(engine.version)) "
                + "(\(DisplayText.sanitized(engine.mode.rawValue))\(demo))"
        } else {
            source = "metrics server"
        }
        let time = Format.timestamp(snapshot.timestamp)
        let system = snapshot.systemMetrics
        var facts = [
            "uptime \(Self.uptime(system.uptimeSeconds))",
            "calls \(system.totalRequests)",
            "in flight \(system.concurrentRequests)",
            snapshot.mcp?.era?.hasSessions == false ? "stateless (no sessions)" : "sessions \(system.activeSessions)",
        ]
        if let rss = system.rssBytes { facts.append("rss \(Self.bytes(rss))") }
        if snapshot.fleet != nil { facts[0] = "longest uptime \(Self.uptime(system.uptimeSeconds))" }
        if let files = snapshot.engine?.filesAPI, snapshot.fleet == nil {
            facts.append("files api \(DisplayText.sanitized(files))")
        }
        return "\(source) at \(target) — snapshot \(time)\n" + facts.joined(separator: "   ") + "\n"
    }

    private static func tools(_ snapshot: MetricsSnapshot) -> String {
        guard !snapshot.toolMetrics.isEmpty else { return "no tool calls recorded yet\n" }
        let sorted = snapshot.toolMetrics.sorted { lhs, rhs in
            lhs.value.totalCalls != rhs.value.totalCalls
                ? lhs.value.totalCalls > rhs.value.totalCalls : lhs.key < rhs.key
        }
        let names = sorted.map { DisplayText.sanitized($0.key, maxLength: maxNameWidth) }
        let width = max(4, names.map(\.count).max() ?? 4)
        var out = pad("TOOL", width) + "    CALLS    OK %     AVG     P50     P95     P99     MAX  ERRORS\n"
        for (name, entry) in zip(names, sorted) {
            let tool = entry.value
            let errors = tool.errorTypes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(3)
                .map { "\(DisplayText.sanitized($0.key, maxLength: 24)) \($0.value)" }
                .joined(separator: ", ")
            out += pad(name, width) + right("\(tool.totalCalls)", 9) + right(fixed(tool.successRate, 2), 8)
            for value in [
                tool.avgLatencyMs, tool.p50LatencyMs, tool.p95LatencyMs, tool.p99LatencyMs, tool.maxLatencyMs,
            ] {
                out += right(fixed(value, 1), 8)
            }
            out += "  " + (errors.isEmpty ? "-" : errors) + "\n"
        }
        for (name, entry) in zip(names, sorted) {
            if let rounds = entry.value.rounds {
                out += "\(name): \(rounds.summary(totalCalls: entry.value.totalCalls))\n"
            }
        }
        if let fleet = snapshot.fleet {
            out +=
                "latencies in ms; percentiles over the last \(Format.seconds(fleet.windowSeconds)) of every instance "
                + "(histogram_quantile of the summed buckets); MAX is the slowest bucket's upper bound\n"
        } else {
            out += "latencies in ms; percentiles over each tool's recent window\n"
        }
        return out
    }

    private static func caches(_ snapshot: MetricsSnapshot) -> String {
        let sorted = snapshot.cacheMetrics.sorted { $0.key < $1.key }
        let names = sorted.map { DisplayText.sanitized($0.key, maxLength: maxNameWidth) }
        let width = max(5, names.map(\.count).max() ?? 5)
        var out = pad("CACHE", width) + "   HIT %      HITS    MISSES      ENTRIES  EVICTIONS  REJECTED\n"
        for (name, entry) in zip(names, sorted) {
            let cache = entry.value
            let entries = cache.entries.map { count in cache.maxEntries.map { "\(count)/\($0)" } ?? "\(count)" } ?? "-"
            out +=
                pad(name, width) + right(fixed(cache.hitRate, 2), 8) + right("\(cache.hits)", 10)
                + right("\(cache.misses)", 10) + right(entries, 13) + right("\(cache.evictions)", 11)
                + right("\(cache.sizeRejections)", 10) + "\n"
        }
        for (name, entry) in zip(names, sorted) {
            if let failure = entry.value.lastFailure { out += "\(name) FAILING: \(failure)\n" }
        }
        return out
    }

    private static func uploads(_ upload: UploadMetrics) -> String {
        "UPLOADS  in flight \(upload.inFlight)/\(upload.maxParallel)  queued \(upload.queued)  "
            + "completed \(upload.completed)  cached \(upload.cached)  failed \(upload.failed)  "
            + "sent \(bytes(upload.bytesSent))\n"
    }

    static func uptime(_ seconds: Double) -> String {
        let total = Int(max(0, seconds))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m \(total % 60)s" }
        if total < 86_400 { return "\(total / 3600)h \(total % 3600 / 60)m" }
        return "\(total / 86_400)d \(total % 86_400 / 3600)h"
    }

    static func bytes(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : "\(fixed(value, 1)) \(units[unit])"
    }

    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func right(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
