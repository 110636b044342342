/// The line above the footer: the filter prompt while typing, else the latest message, else the filter.
struct StatusLine {
    let state: DashboardState
    let shownTools: Int
    let theme: Theme

    /// What the line says when nothing else is on it: servers whose percentiles cannot be right.
    static func note(_ state: DashboardState) -> String? {
        let constant = state.targets.filter { $0.percentilesLookConstant() }.map(\.name)
        guard !constant.isEmpty else { return nil }
        let who = state.isMultiTarget ? constant.joined(separator: ", ") : "this server"
        return "⚠ \(who): p50 = p95 = p99 for every tool with 20+ calls — its percentiles look constant, not measured"
    }

    /// Draws the line on the first row of `rect`.
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        let ui = state.ui
        let width = rect.width - 2
        if ui.isEditingFilter {
            var x = grid.write("filter: ", x: rect.x + 1, y: rect.y, maxWidth: width, style: theme.title)
            x = grid.write(ui.filterDraft, x: x, y: rect.y, maxWidth: rect.x + 1 + width - x - 1)
            grid.put("▏", x: x, y: rect.y, style: theme.title, columns: 1)
        } else if let message = ui.statusMessage {
            let style = message.kind == .error ? theme.statusError : theme.statusInfo
            grid.write(message.text, x: rect.x + 1, y: rect.y, maxWidth: width, style: style)
        } else if ui.messages != nil {
            return
        } else if !ui.filterText.isEmpty {
            let total = state.targets.reduce(0) { $0 + ($1.snapshot?.toolMetrics.count ?? 0) }
            let text = "filter \"\(ui.filterText)\": \(shownTools) of \(total) rows · / edits · Esc clears"
            grid.write(text, x: rect.x + 1, y: rect.y, maxWidth: width, style: theme.dim)
        } else if let note = Self.note(state) {
            grid.write(note, x: rect.x + 1, y: rect.y, maxWidth: width, style: theme.style(.warning))
        }
    }
}
