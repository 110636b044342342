import MetricsClient

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
        let bar = theme.headerBar
        var result = [
            Segment(text: "dashboard", style: theme.headerTitle, priority: 5),
            Segment(text: state.mode.rawValue, style: bar, priority: 3),
            Segment(text: state.target, style: bar, priority: 1),
            Segment(text: "● " + state.connection.headerText, style: connectionStyle, priority: 0),
        ]
        if let engine = state.snapshot?.engine {
            if engine.demo { result.append(Segment(text: " DEMO ", style: theme.badge, priority: 1)) }
            if engine.filesAPI == "sandbox" {
                result.append(Segment(text: " SANDBOX ", style: theme.sandboxBadge, priority: 2))
            }
        }
        if let system = state.snapshot?.systemMetrics {
            result.append(Segment(text: "up " + Format.seconds(system.uptimeSeconds), style: bar, priority: 4))
        }
        if let rate = state.totalCallsPerSecond {
            result.append(Segment(text: Format.rate(rate) + " calls/s", style: bar, priority: 2))
        }
        return result
    }

    private var connectionStyle: Style {
        guard theme.colorEnabled else {
            return state.connection.isConnected ? theme.headerBar : theme.headerTitle
        }
        let foreground: CellColor
        switch state.connection {
        case .connected: foreground = .brightGreen
        case .connecting, .reconnecting, .stale: foreground = .brightYellow
        case .incompatible: foreground = .brightRed
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
