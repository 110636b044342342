import MetricsClient
import MetricsWire

/// The bottom line: the keys that work right now, and the refresh interval.
struct FooterPane {
    let state: DashboardState
    let theme: Theme

    /// The key hints for the current mode, most useful first; the ones that do not fit are dropped.
    var hints: [(key: String, label: String)] {
        let ui = state.ui
        if ui.isConfirmingReset { return [("y", "reset all counters"), ("n", "cancel")] }
        if ui.isHelpVisible { return [("?", "close help"), ("Esc", "close"), ("q", "quit")] }
        if ui.isEditingFilter { return [("Enter", "apply"), ("Esc", "clear"), ("Backspace", "delete")] }
        if let view = ui.messages {
            if view.opened != nil {
                return [("Esc", "back"), ("↑↓", "scroll"), ("PgUp/PgDn", "page"), ("q", "quit")]
            }
            return [
                ("Esc", "back"), ("Enter", "open"), ("/", "filter"), ("p", ui.isPaused ? "resume" : "pause"),
                ("↑↓", "move"), ("End", "follow"), ("q", "quit"), ("?", "help"),
            ]
        }
        if ui.tools != nil {
            return [("Esc", "back"), ("a", "acknowledge"), ("↑↓", "scroll"), ("PgUp/PgDn", "page"), ("q", "quit")]
        }
        if ui.detail != nil {
            return [("Esc", "back"), ("q", "quit"), ("?", "help"), ("p", ui.isPaused ? "resume" : "pause")]
        }
        var hints = [
            ("q", "quit"), ("?", "help"), ("Enter", "detail"), ("m", "messages"), ("u", "upload"),
            ("p", ui.isPaused ? "resume" : "pause"),
            ("s", "sort"), ("/", "filter"), ("r", "reset"), ("+/-", "refresh"), ("Tab", "focus"),
            ("↑↓", "move"),
        ]
        // A fleet has nothing to upload to, reset or list messages of: those belong to one engine or proxy.
        if state.mode == .fleet { hints.removeAll { $0.0 == "u" || $0.0 == "r" || $0.0 == "m" } }
        if !state.surfaces.isEmpty { hints.insert(("t", "tools"), at: min(hints.count, 4)) }
        if state.localOffer > 0 || state.mode == .embedded && state.isMultiTarget {
            hints.insert(("L", "local"), at: 3)
        }
        return hints
    }

    /// Draws the footer on the first row of `rect`.
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        let refresh = "refresh " + Format.seconds(state.refreshInterval)
        let limit = rect.maxX - DisplayWidth.of(refresh) - 2
        grid.write(refresh, x: limit + 1, y: rect.y, style: theme.dim)
        var x = rect.x
        for hint in hints {
            let width = DisplayWidth.of(hint.key) + DisplayWidth.of(hint.label) + 4
            guard x + width <= limit else { break }
            x = grid.write(" \(hint.key) ", x: x, y: rect.y, style: theme.key)
            x = grid.write(" \(hint.label) ", x: x, y: rect.y, style: theme.dim)
        }
    }
}
