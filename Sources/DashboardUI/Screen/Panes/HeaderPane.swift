import MetricsClient
import MetricsWire

/// The top line: what is watched, how the connection is, how busy the engine is, and the time.
///
/// Segments that do not fit are dropped, least important first; the connection status is cut last.
struct HeaderPane {
    let state: DashboardState
    let theme: Theme

    /// One piece of the header with its importance (0 is kept longest).
    struct Segment {
        var text: String
        var style: Style
        var priority: Int
    }

    /// The header's segments, left to right.
    var segments: [Segment] {
        state.isMultiTarget || state.targets.isEmpty ? manyTargets : oneTarget
    }

    private var oneTarget: [Segment] {
        let bar = theme.headerBar
        let target = state.primary
        let connection = target?.connection ?? .connecting
        var result = [Segment(text: "dashboard", style: theme.headerTitle, priority: 5)]
        // The embedded engine's label starts with the word "embedded" already.
        if target?.origin != .embedded || target?.name == target?.id {
            result.append(Segment(text: state.mode.rawValue, style: bar, priority: 3))
        }
        result += [
            Segment(text: target.map(Self.label) ?? "", style: bar, priority: 1),
            Segment(
                text: "● " + (target?.hasEnded == true ? "ended" : connection.headerText),
                style: connectionStyle(target?.hasEnded == true ? nil : connection),
                priority: 0
            ),
        ]
        if let engine = target?.snapshot?.engine {
            if engine.demo { result.append(Segment(text: " DEMO ", style: theme.badge, priority: 1)) }
            if engine.filesAPI == "sandbox" {
                result.append(Segment(text: " SANDBOX ", style: theme.sandboxBadge, priority: 2))
            }
        }
        if let fleet = target?.snapshot?.fleet {
            let down = fleet.instances.count - fleet.upCount
            result.append(
                Segment(
                    text: "\(fleet.instances.count) instance\(fleet.instances.count == 1 ? "" : "s")"
                        + (down > 0 ? ", \(down) down" : ", all up"),
                    style: connectionStyle(down > 0 ? .stale(lastGoodAge: .zero) : .connected),
                    priority: 0
                )
            )
        } else if let system = target?.snapshot?.systemMetrics {
            result.append(Segment(text: "up " + Format.seconds(system.uptimeSeconds), style: bar, priority: 6))
        }
        if let era = target?.snapshot?.mcp?.era {
            result.append(Segment(text: Self.eraText(era), style: bar, priority: 3))
        }
        if let otlp = target?.snapshot?.otlp {
            result.append(Segment(text: Self.tracesText(otlp), style: bar, priority: 2))
        }
        if let rate = target?.totalCallsPerSecond {
            result.append(Segment(text: rateText(rate), style: bar, priority: 2))
        }
        if state.localOffer > 0 {
            result.append(Segment(text: localOfferText, style: bar, priority: 3))
        }
        if let badge = toolsBadge { result.insert(badge, at: min(result.count, 4)) }
        return result
    }

    /// `⚠ tools changed` while a risky change of any target's tool list is not acknowledged (t shows it).
    private var toolsBadge: Segment? {
        state.unacknowledgedRisky > 0 ? Segment(text: " ⚠ tools changed ", style: theme.badge, priority: 0) : nil
    }

    /// `5 targets: 4 ● 1 reconnecting`, then the total call rate: counts of targets by status, in colour.
    private var manyTargets: [Segment] {
        let bar = theme.headerBar
        var result = [
            Segment(text: "dashboard", style: theme.headerTitle, priority: 5),
            Segment(text: state.mode.rawValue, style: bar, priority: 3),
            Segment(
                text: state.targets.isEmpty
                    ? "no targets yet"
                    : "\(state.targets.count) target\(state.targets.count == 1 ? "" : "s"):",
                style: bar,
                priority: 0
            ),
        ]
        for group in TargetGroups(state.targets).groups {
            let text = group.label == "connected" ? "\(group.count) ●" : "\(group.count) \(group.label)"
            result.append(Segment(text: text, style: connectionStyle(group.sample), priority: 0))
        }
        let eras = Dictionary(grouping: state.targets.compactMap { $0.snapshot?.mcp?.era }, by: Self.eraText)
        if !eras.isEmpty {
            let text = eras.sorted { $0.key > $1.key }.map { "\($0.value.count) × \($0.key)" }.joined(separator: ", ")
            result.append(Segment(text: text, style: bar, priority: 3))
        }
        let exporting = state.targets.filter { $0.snapshot?.otlp != nil }.count
        if exporting > 0 {
            result.append(Segment(text: "\(exporting) exporting traces", style: bar, priority: 4))
        }
        let rates = state.targets.compactMap(\.totalCallsPerSecond)
        if !rates.isEmpty {
            result.append(Segment(text: rateText(rates.reduce(0, +)) + " in all", style: bar, priority: 2))
        }
        if state.localOffer > 0 {
            result.append(Segment(text: localOfferText, style: bar, priority: 3))
        }
        if let badge = toolsBadge {
            result.insert(badge, at: min(result.count, 3 + TargetGroups(state.targets).groups.count))
        }
        return result
    }

    private func rateText(_ rate: Double) -> String {
        Format.rate(rate) + " calls/s (\(Format.seconds(state.rateWindow)))"
    }

    private var localOfferText: String {
        "L: watch \(state.localOffer) local prox\(state.localOffer == 1 ? "y" : "ies")"
    }

    /// Which protocol a server speaks, short: `MCP 2026-07-28 stateless`, `MCP 2025-11-25`, or both.
    static func eraText(_ era: MCPEra) -> String {
        let label = DisplayText.sanitized(era.label, maxLength: 40)
        if case .modern = era { return "MCP \(label) stateless" }
        return "MCP \(label)"
    }

    /// Where a target sends its spans, by host and port only (`traces → 127.0.0.1:4318`), and how many
    /// failed to go.
    static func tracesText(_ otlp: OTLPMetrics) -> String {
        var host = Substring(otlp.endpoint)
        if let scheme = host.range(of: "://") { host = host[scheme.upperBound...] }
        host = host.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        let text = "traces → " + DisplayText.sanitized(String(host), maxLength: 60)
        return otlp.failed > 0 ? text + " (\(otlp.failed) failed)" : text
    }

    /// How the header names a target: its server's name and its address, or the address alone.
    static func label(_ target: TargetView) -> String {
        target.name == target.id ? target.id : "\(target.name) \(target.id)"
    }

    /// The style of a status; nil is an ended target.
    private func connectionStyle(_ connection: ConnectionStatus?) -> Style {
        guard theme.colorEnabled else {
            return connection?.isConnected == true ? theme.headerBar : theme.headerTitle
        }
        let foreground: CellColor
        switch connection {
        case .connected: foreground = .brightGreen
        case .connecting, .reconnecting, .stale: foreground = .brightYellow
        case .incompatible: foreground = .brightRed
        case nil: foreground = .gray
        }
        return Style(foreground: foreground, background: theme.headerBar.background, attributes: .bold)
    }

    /// Draws the header on the first row of `rect`.
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        grid.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), style: theme.headerBar)
        let clock = state.clockZone.clock(state.now)
        grid.write(clock, x: rect.maxX - clock.count - 1, y: rect.y, style: theme.headerBar)
        let available = rect.width - clock.count - 3
        let gap = 2
        var chosen = segments
        var total: Int { chosen.reduce(0) { $0 + DisplayWidth.of($1.text) + gap } }
        while total > available, let worst = chosen.indices.max(by: { chosen[$0].priority < chosen[$1].priority }),
            chosen[worst].priority > 0
        {
            chosen.remove(at: worst)
        }
        var x = rect.x + 1
        for segment in chosen {
            guard x < rect.x + 1 + available else { break }
            x = grid.write(segment.text, x: x, y: rect.y, maxWidth: rect.x + 1 + available - x, style: segment.style)
            x += gap
        }
    }
}
