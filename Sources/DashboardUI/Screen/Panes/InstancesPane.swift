import MetricsClient
import MetricsWire

/// The fleet's instances, as Prometheus scrapes them: down ones first (with why), then the rest with
/// their load, in-flight calls and memory. Shown only when watching a fleet (`--prometheus`).
struct InstancesPane {
    let state: DashboardState
    let fleet: FleetMetrics?
    let theme: Theme

    static let chrome = 1

    /// The instances in the order shown: down first, then by job and instance.
    static func ordered(_ fleet: FleetMetrics?) -> [FleetInstance] {
        let instances = fleet?.instances ?? []
        return instances.filter { !$0.up } + instances.filter(\.up)
    }

    /// Draws the pane into `rect`: one line per instance while they fit, then how many more.
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        guard rect.height > 0 else { return }
        let rows = Self.ordered(fleet)
        let visible = max(0, rect.height - Self.chrome)
        let shown = rows.count > visible ? max(0, visible - 1) : rows.count
        var detail = ""
        if let fleet {
            let down = rows.count - fleet.upCount
            detail =
                "\(rows.count) · " + (down > 0 ? "\(down) down · " : "all up · ")
                + "scrape \(Format.seconds(fleet.scrapeIntervalSeconds)) · queries \(Format.latency(fleet.queryMs))"
                + (fleet.recordingRules == true ? " (recorded)" : "")
            if let warning = fleet.warnings.first { detail += " · partial: \(warning)" }
        }
        PaneChrome.title("Instances", detail: detail, in: rect, grid: &grid, theme: theme)
        guard visible > 0 else { return }
        guard !rows.isEmpty else {
            let message =
                fleet == nil
                ? state.noDataMessage
                : "Prometheus scrapes no engine"
                    + (fleet?.selector == nil ? " (no job exposes dashboard_engine_info)" : " the selector matches")
            grid.write(message, x: rect.x + 1, y: rect.y + 1, maxWidth: rect.width - 2, style: theme.dim)
            return
        }
        let nameWidth = min(24, rows.reduce(8) { max($0, DisplayWidth.of($1.instance)) })
        let jobWidth = min(12, rows.reduce(3) { max($0, DisplayWidth.of($1.job)) })
        for (index, instance) in rows.prefix(shown).enumerated() {
            let y = rect.y + Self.chrome + index
            var x = rect.x + 1
            grid.write(
                instance.up ? "●" : "✖",
                x: x,
                y: y,
                style: theme.style(instance.up ? .good : .critical)
            )
            x += 2
            grid.write(instance.instance, x: x, y: y, width: nameWidth, alignment: .left)
            x += nameWidth + 1
            grid.write(instance.job, x: x, y: y, width: jobWidth, alignment: .left, style: theme.dim)
            x += jobWidth + 1
            guard instance.up else {
                let why = instance.lastError.map { "down: \($0)" } ?? "down: the last scrape failed"
                grid.write(why, x: x, y: y, maxWidth: rect.maxX - x - 1, style: theme.style(.critical))
                continue
            }
            let errors = instance.errorsPerSecond ?? 0
            var runs: [(String, Style)] = [
                (Format.rate(instance.callsPerSecond ?? 0) + "/s", theme.style(.normal)),
                ("  ", theme.dim),
                (Format.rate(errors) + " err/s", theme.style(errors > 0 ? .warning : .normal)),
                ("  \(instance.inFlight ?? 0) in flight", theme.dim),
            ]
            if let rss = instance.rssBytes { runs.append(("  " + Format.bytes(rss), theme.dim)) }
            if let name = instance.name { runs.append(("  " + name, theme.style(.normal))) }
            grid.write(runs, x: x, y: y, maxWidth: rect.maxX - x - 1)
        }
        if shown < rows.count {
            let more = rows.count - shown
            grid.write(
                "… \(more) more instance\(more == 1 ? "" : "s")",
                x: rect.x + 1,
                y: rect.y + Self.chrome + shown,
                maxWidth: rect.width - 2,
                style: theme.dim
            )
        }
    }
}
