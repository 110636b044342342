/// The key reference drawn over the dashboard with `?`.
enum HelpOverlay {
    /// Every key and what it does, in the order shown.
    static let entries: [(keys: String, action: String)] = [
        ("q  Ctrl-C", "quit"),
        ("?", "show or hide this help"),
        ("u", "start a test upload (on the engine that uploads)"),
        ("Enter", "open the highlighted tool; Esc returns"),
        ("m", "messages: every JSON-RPC message the proxies relay"),
        ("t  a", "tools: each server's tools, sizes, changes; a acknowledges"),
        ("L", "also watch the local proxies found (embedded mode)"),
        ("p", "pause or resume: freeze the display"),
        ("s  S", "sort by name, calls, calls/s, p95, p99, errors"),
        ("/", "filter by tool or server (Enter applies, Esc clears)"),
        ("+  -", "refresh less or more often"),
        ("r", "reset the highlighted row's server (asks y/n)"),
        ("Tab  Shift-Tab", "focus latency, live, failures, errors, uploads"),
        ("↑ ↓  j k", "move the highlight, or scroll the focused pane"),
        ("PgUp PgDn", "scroll by a page"),
        ("Home End  g G", "first or last row"),
        ("Esc", "close help, cancel, clear the filter, go back"),
        ("kB MB GB", "decimal: 1 MB = 10⁶ bytes (sizes and MB/s)"),
    ]

    /// Draws the help box centred in `bounds`.
    static func draw(in bounds: Rect, grid: inout ScreenGrid, theme: Theme) {
        let keyWidth = entries.reduce(0) { max($0, DisplayWidth.of($1.keys)) }
        let actionWidth = entries.reduce(0) { max($0, DisplayWidth.of($1.action)) }
        let box = bounds.centered(width: keyWidth + actionWidth + 7, height: entries.count + 4)
        grid.box(box, title: "Keys", style: theme.overlay, titleStyle: theme.overlayTitle)
        for (index, entry) in entries.enumerated() {
            let y = box.y + 2 + index
            guard y < box.maxY - 1 else { break }
            grid.write(entry.keys, x: box.x + 2, y: y, maxWidth: keyWidth, style: theme.overlayTitle)
            grid.write(entry.action, x: box.x + 4 + keyWidth, y: y, maxWidth: box.maxX - box.x - keyWidth - 6)
        }
    }
}
