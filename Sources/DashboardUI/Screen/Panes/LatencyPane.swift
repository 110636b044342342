import MetricsClient
import MetricsWire

/// The latency table: one row per tool with counts, rates, success and latency percentiles, and a
/// sparkline of recent p95 (or of calls/s while sorted by calls/s); sorted, filtered and scrolled as the UI
/// state says.
struct LatencyPane {
    let state: DashboardState
    let rows: ToolTable
    let toolCount: Int
    let theme: Theme

    /// Draws the pane into `rect`.
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        guard rect.height > 0 else { return }
        let visible = max(0, rect.height - DashboardLayout.latencyChrome)
        let offset = min(max(0, state.ui.scroll.latency), max(0, rows.count - visible))
        PaneChrome.title(
            "Latency",
            detail: detail,
            position: PaneChrome.position(offset: offset, visible: visible, total: rows.count),
            focused: state.ui.focus == .latency,
            in: rect,
            grid: &grid,
            theme: theme
        )
        guard rect.height > 1 else { return }
        let columns = LatencyColumns(
            width: rect.width,
            longestName: rows.longestName,
            longestServer: state.isMultiTarget ? max(6, rows.longestServer) : 0,
            trend: showsRateTrend ? "calls/s" : "p95"
        )
        for column in columns.all {
            let sorted = column.sortKey == state.ui.sortKey
            let title = sorted ? column.title + (state.ui.sortKey == .name ? "▲" : "▼") : column.title
            grid.write(
                title,
                x: rect.x + column.x,
                y: rect.y + 1,
                width: column.width,
                alignment: column.alignment,
                style: sorted ? theme.sortedColumnHeader : theme.columnHeader
            )
        }
        guard visible > 0 else { return }
        if rows.isEmpty {
            grid.write(emptyMessage, x: rect.x + 1, y: rect.y + 2, maxWidth: rect.width - 2, style: theme.dim)
            return
        }
        let selected = state.ui.focus == .latency ? state.ui.selectedRow : -1
        for (line, row) in rows[offset..<min(rows.count, offset + visible)].enumerated() {
            let y = rect.y + 2 + line
            if offset + line == selected {
                grid.fill(Rect(x: rect.x, y: y, width: rect.width - 1, height: 1), style: theme.selection)
            }
            drawRow(row, columns: columns, x: rect.x, y: y, selected: offset + line == selected, grid: &grid)
        }
        PaneChrome.scrollbar(
            x: rect.maxX - 1,
            y: rect.y + 2,
            height: visible,
            offset: offset,
            visible: visible,
            total: rows.count,
            grid: &grid,
            theme: theme
        )
    }

    private var showsRateTrend: Bool { state.ui.sortKey == .callsPerSecond }

    private var detail: String {
        let servers = state.targets.filter { $0.snapshot != nil }.count
        let tools = "\(toolCount) tool\(toolCount == 1 ? "" : "s")"
        var parts = [
            state.isMultiTarget
                ? "\(tools) on \(servers) server\(servers == 1 ? "" : "s")" : tools,
            "sort \(state.ui.sortKey.rawValue)", "rates over \(Format.seconds(state.rateWindow))",
        ]
        if !state.ui.filterText.isEmpty { parts.append("filter \"\(state.ui.filterText)\": \(rows.count) shown") }
        return parts.joined(separator: " · ")
    }

    private var emptyMessage: String {
        if !state.hasData { return state.noDataMessage }
        if !state.isMultiTarget, state.primary?.snapshot?.enabled == false {
            return "metrics are disabled on this engine"
        }
        if toolCount == 0 { return "no tool calls yet" }
        return "no tool matches \"\(state.ui.filterText)\" (Esc clears the filter)"
    }

    private func drawRow(
        _ row: ToolRow,
        columns: LatencyColumns,
        x: Int,
        y: Int,
        selected: Bool,
        grid: inout ScreenGrid
    ) {
        let thresholds = state.thresholds
        let base = selected ? theme.selection : theme.text
        func cell(_ column: LatencyColumns.Column, _ text: String, _ style: Style? = nil) {
            var style = style ?? base
            if selected {
                style =
                    theme.colorEnabled
                    ? Style(
                        foreground: style.foreground,
                        background: theme.selection.background,
                        attributes: style.attributes
                    ) : theme.selection
            }
            if row.isStale, !selected { style = theme.dim }
            grid.write(text, x: x + column.x, y: y, width: column.width, alignment: column.alignment, style: style)
        }
        if let server = columns.server { cell(server, row.server, theme.dim) }
        cell(columns.tool, row.label)
        cell(columns.calls, Format.count(row.calls))
        cell(
            columns.rate,
            row.callsPerSecond.map(Format.rate) ?? "–",
            row.callsPerSecond == nil ? theme.dim : base
        )
        let hasCalls = row.calls > 0
        let okLevel = hasCalls ? thresholds.level(successRate: row.successRate) : .normal
        cell(
            columns.ok,
            hasCalls ? Format.percent(row.successRate) : "–",
            okLevel == .good || okLevel == .normal ? nil : theme.style(okLevel)
        )
        cell(columns.p50, Format.latency(row.p50))
        let p95Level = thresholds.level(latencyMs: row.p95, p50Ms: row.p50, tool: row.name, server: row.server)
        let p99Level = thresholds.level(latencyMs: row.p99, p50Ms: row.p50, tool: row.name, server: row.server)
        cell(columns.p95, Format.latency(row.p95), p95Level == .normal ? nil : theme.style(p95Level))
        cell(columns.p99, Format.latency(row.p99), p99Level == .normal ? nil : theme.style(p99Level))
        cell(columns.max, Format.latency(row.max), theme.dim)
        if showsRateTrend {
            grid.sparkline(
                row.callRateHistory,
                x: x + columns.trend.x,
                y: y,
                width: columns.trend.width,
                style: theme.statusInfo
            )
        } else {
            grid.sparkline(
                row.p95History,
                x: x + columns.trend.x,
                y: y,
                width: columns.trend.width,
                style: p95Level == .normal ? theme.statusInfo : theme.style(p95Level)
            )
        }
    }
}

extension ScreenGrid {
    /// Draws `Sparkline.render(values, width:)` at (`x`, `y`) without building the string.
    mutating func sparkline(_ values: [Double], x: Int, y: Int, width: Int, style: Style) {
        guard width > 0 else { return }
        let shown = values.suffix(width)
        let peak = shown.reduce(0) { $1.isFinite && $1 > $0 ? $1 : $0 }
        var column = x + width - shown.count
        for value in shown {
            if value.isFinite, value >= 0 {
                put(Sparkline.glyphs[Sparkline.level(value, peak: peak)], x: column, y: y, style: style, columns: 1)
            }
            column += 1
        }
    }
}
