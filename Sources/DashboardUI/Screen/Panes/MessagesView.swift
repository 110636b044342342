import Foundation
import MetricsWire

/// Every message the watched proxies relayed, over the panes (`m`): one line each, oldest at the top and
/// the newest at the foot, followed live unless the user moved the highlight.
struct MessagesView {
    let state: DashboardState
    /// The indices in `state.messages.rows` of the rows that pass the filter.
    let shown: [Int]
    let theme: Theme

    /// Rows above the list: the title, the sources and the column heads.
    static let chrome = 3

    /// The list's rows in `body`.
    static func listRows(in body: Rect) -> Int { max(1, body.height - chrome) }

    /// Where each column starts and how wide it is, for a screen `width` wide.
    struct Columns {
        var time = 12
        var server = 0
        var method = 0
        var tool = 0
        var id = 7
        var size = 7
        var latency = 9
        var outcome = 0
        /// The start of a captured payload, on screens wide enough.
        var payload = 0

        init(width: Int, multiTarget: Bool) {
            server = multiTarget ? (width >= 160 ? 18 : 11) : 0
            if width < 100 { (id, size, latency) = (5, 6, 8) }
            outcome = width >= 110 ? 14 : 0
            // time, direction, id, size, latency, the optional columns and one space between each.
            let fixed = time + 2 + id + size + latency + (server > 0 ? server + 1 : 0) + (outcome > 0 ? outcome + 1 : 0)
            let rest = max(10, width - 2 - fixed - 6)
            method = min(24, rest * 11 / 20)
            tool = min(20, rest - method)
            if rest - method - tool > 20 { payload = rest - method - tool - 1 }
        }
    }

    /// Draws the view into `rect` (the body between header and status line).
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        let list = state.messages
        guard let view = state.ui.messages else { return }
        let position = PaneChrome.position(
            offset: view.offset,
            visible: Self.listRows(in: rect),
            total: shown.count
        )
        PaneChrome.title(
            "Messages",
            detail: summary(view),
            position: position,
            focused: true,
            in: rect,
            grid: &grid,
            theme: theme
        )
        guard rect.height > Self.chrome else { return }
        drawSources(list.sources, x: rect.x + 1, y: rect.y + 1, maxX: rect.maxX - 1, grid: &grid)
        let columns = Columns(width: rect.width, multiTarget: list.sources.count > 1)
        drawHeads(columns, x: rect.x + 1, y: rect.y + 2, grid: &grid)
        let top = rect.y + Self.chrome
        let rows = Self.listRows(in: rect)
        guard !shown.isEmpty else {
            grid.write(emptyMessage(view), x: rect.x + 1, y: top, maxWidth: rect.width - 2, style: theme.dim)
            return
        }
        for line in 0..<rows {
            let position = view.offset + line
            guard position < shown.count else { break }
            let row = list.rows[shown[position]]
            let selected = position == view.index
            // The highlight spans the row, the gaps between its cells too.
            if selected {
                grid.fill(Rect(x: rect.x + 1, y: top + line, width: rect.width - 3, height: 1), style: theme.selection)
            }
            drawRow(row, columns: columns, x: rect.x + 1, y: top + line, selected: selected, grid: &grid)
        }
        PaneChrome.scrollbar(
            x: rect.maxX - 1,
            y: top,
            height: rows,
            offset: view.offset,
            visible: rows,
            total: shown.count,
            grid: &grid,
            theme: theme
        )
    }

    private func summary(_ view: MessagesViewState) -> String {
        let total = state.messages.rows.count
        var parts = [state.ui.isPaused ? "paused (p resumes)" : view.isFollowing ? "live" : "scrolled (End follows)"]
        parts.append(
            view.filter.isEmpty
                ? "\(Format.count(total)) message\(total == 1 ? "" : "s")"
                : "\(Format.count(shown.count)) of \(Format.count(total)) match \"\(view.filter)\""
        )
        if state.messages.dropped > 0 { parts.append("\(Format.count(state.messages.dropped)) older forgotten") }
        return parts.joined(separator: " · ")
    }

    private func emptyMessage(_ view: MessagesViewState) -> String {
        let sources = state.messages.sources
        if !view.filter.isEmpty, !state.messages.rows.isEmpty {
            return "no message matches \"\(view.filter)\" (Esc clears the filter)"
        }
        if sources.isEmpty { return "no targets yet: messages appear once a proxy is watched" }
        if sources.allSatisfy({ $0.problem != nil }) {
            return sources.count == 1 && state.mode != .embedded
                ? sources[0].problem ?? ""
                : "messages come from `dashboard proxy`: L watches the local ones, --attach a proxy's port for others"
        }
        if sources.allSatisfy({ $0.capture == nil }) { return "reading the proxies' message logs…" }
        return "no messages yet: every call through the proxies shows here as it happens"
    }

    private func drawSources(_ sources: [MessageSource], x: Int, y: Int, maxX: Int, grid: inout ScreenGrid) {
        var x = x
        if sources.isEmpty {
            grid.write("no targets watched", x: x, y: y, maxWidth: maxX - x, style: theme.dim)
            return
        }
        // Problems first: they are what the user must act on.
        let ordered = sources.filter { $0.problem != nil } + sources.filter { $0.problem == nil }
        for (index, source) in ordered.enumerated() {
            guard x < maxX - 1 else { break }
            if index > 0 { x = grid.write(" · ", x: x, y: y, maxWidth: maxX - x, style: theme.dim) }
            if let problem = source.problem {
                let text = sources.count > 1 ? "\(source.server): \(source.brief ?? problem)" : problem
                x = grid.write(text, x: x, y: y, maxWidth: maxX - x, style: theme.style(.warning))
            } else {
                x = grid.write(source.server, x: x, y: y, maxWidth: maxX - x)
                let mode =
                    source.capture == nil ? " (reading…)" : source.capture == true ? " (payloads)" : " (metadata)"
                x = grid.write(mode, x: x, y: y, maxWidth: maxX - x, style: theme.dim)
            }
        }
    }

    private func drawHeads(_ columns: Columns, x: Int, y: Int, grid: inout ScreenGrid) {
        var x = x
        func head(_ text: String, _ width: Int, _ alignment: TextAlignment = .left) {
            guard width > 0 else { return }
            grid.write(text, x: x, y: y, width: width, alignment: alignment, style: theme.columnHeader)
            x += width + 1
        }
        head("time", columns.time)
        head("server", columns.server)
        head("", 1)
        head("method", columns.method)
        head("tool", columns.tool)
        head("id", columns.id, .right)
        head("size", columns.size, .right)
        head("latency", columns.latency, .right)
        head("outcome", columns.outcome)
        head("payload", columns.payload)
    }

    private func drawRow(
        _ row: MessageRow,
        columns: Columns,
        x: Int,
        y: Int,
        selected: Bool,
        grid: inout ScreenGrid
    ) {
        let entry = row.entry
        let failed = entry.kind == "error" || entry.kind == "invalid" || (entry.outcome.map { $0 != "ok" } ?? false)
        var x = x
        func cell(_ text: String, _ width: Int, _ alignment: TextAlignment = .left, _ style: Style? = nil) {
            guard width > 0 else { return }
            var style = style ?? theme.text
            if selected {
                style =
                    theme.colorEnabled
                    ? Style(
                        foreground: style.foreground,
                        background: theme.selection.background,
                        attributes: style.attributes
                    )
                    : theme.selection
            }
            grid.write(text, x: x, y: y, width: width, alignment: alignment, style: style)
            x += width + 1
        }
        let date = Date(timeIntervalSince1970: entry.time)
        let millis = Int((entry.time * 1000).rounded(.down)) % 1000
        cell(
            state.clockZone.clock(date) + "." + String(String(millis + 1000).dropFirst()),
            columns.time,
            .left,
            theme.dim
        )
        cell(row.server, columns.server, .left, theme.dim)
        cell(entry.direction == .clientToServer ? "→" : "←", 1)
        cell(method(entry), columns.method, .left, failed ? theme.style(.critical) : nil)
        cell(entry.tool ?? "", columns.tool)
        cell(entry.id ?? "", columns.id, .right, theme.dim)
        cell(entry.bytes.map(Format.bytes) ?? "–", columns.size, .right, theme.dim)
        cell(entry.latencyMs.map(Format.latency) ?? "", columns.latency, .right)
        cell(entry.outcome ?? "", columns.outcome, .left, failed ? theme.style(.critical) : theme.dim)
        if columns.payload > 0, let preview = row.preview {
            cell(String(preview.prefix(columns.payload + 1)), columns.payload, .left, theme.dim)
        }
    }

    /// A message's method (an answer's: its request's), else what it is.
    private func method(_ entry: MessageEntry) -> String {
        entry.method ?? entry.kind
    }
}
