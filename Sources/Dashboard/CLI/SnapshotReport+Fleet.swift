import DashboardUI
import MetricsClient
import MetricsWire

extension SnapshotReport {
    /// The fleet's source and window, then one line per instance, up or down.
    static func fleet(_ fleet: FleetMetrics) -> String {
        var out =
            "FLEET  \(fleet.instances.count) instance(s), \(fleet.upCount) up   rates over "
            + "\(Format.seconds(fleet.windowSeconds)) (scrape every \(Format.seconds(fleet.scrapeIntervalSeconds)))"
            + (fleet.recordingRules == true ? ", from the recording rules" : "")
            + (fleet.selector.map { "   selector \(DisplayText.sanitized($0, maxLength: 80))" } ?? "")
            + "   queries \(fixed(fleet.queryMs, 0)) ms\n"
        for warning in fleet.warnings { out += "  warning from Prometheus: \(warning)\n" }
        guard !fleet.instances.isEmpty else {
            return out + "  no instances: Prometheus scrapes no engine"
                + (fleet.selector == nil ? " (a job exposing dashboard_engine_info)" : " the selector matches") + "\n"
        }
        let width = max(8, fleet.instances.map { $0.instance.count }.max() ?? 8)
        let jobWidth = max(3, fleet.instances.map { $0.job.count }.max() ?? 3)
        out +=
            pad("INSTANCE", width) + "  " + pad("JOB", jobWidth)
            + "  STATE  CALLS/S  ERR/S  IN FLIGHT        RSS  NAME\n"
        for instance in fleet.instances {
            out += pad(instance.instance, width) + "  " + pad(instance.job, jobWidth) + "  "
            guard instance.up else {
                out += "DOWN   " + (instance.lastError.map { "last scrape: \($0)" } ?? "the last scrape failed") + "\n"
                continue
            }
            out += "up   " + right(instance.callsPerSecond.map { fixed($0, 2) } ?? "-", 9)
            out += right(instance.errorsPerSecond.map { fixed($0, 2) } ?? "-", 7)
            out += right(instance.inFlight.map(String.init) ?? "-", 11)
            out += right(instance.rssBytes.map(bytes) ?? "-", 11)
            out += "  " + (instance.name ?? "-") + "\n"
        }
        return out
    }
}
