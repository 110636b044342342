import MetricsClient
import MetricsWire

/// Failed calls by tool and error type, most frequent first, with each type's share of the tool's calls.
struct ErrorsPane {
    let state: DashboardState
    let rows: ErrorTable
    let theme: Theme

    /// Column widths of the errors table for a pane `width` wide.
    struct Columns: Equatable {
        /// 0 when one target is watched.
        var server: Int
        var tool: Int
        var type: Int
        var count = 7
        var share = 7
        var bar: Int

        init(width: Int, rows: ErrorTable) {
            let longestServer = rows.longestServer
            server = longestServer == 0 ? 0 : min(max(longestServer, 6), 20, max(6, (width - 40) / 4))
            let flexible = max(8, width - 2 - count - share - 4 - (server > 0 ? server + 1 : 0))
            let longestTool = max(4, rows.longestTool)
            let longestType = max(5, rows.longestType)
            tool = min(longestTool, 32, max(4, flexible / 2))
            type = min(longestType, 32, max(4, flexible - tool))
            let left = flexible - tool - type - 1
            bar = left >= 6 ? min(left, 20) : 0
        }
    }

    /// Draws the pane into `rect`.
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        let visible = max(0, rect.height - DashboardLayout.errorsChrome)
        let offset = min(max(0, state.ui.scroll.errors), max(0, rows.count - visible))
        let failed = rows.failedCalls
        let tools = ErrorRow.failingTools(in: state)
        PaneChrome.title(
            "Errors",
            detail: rows.isEmpty
                ? ""
                : "\(Format.count(failed)) failed call\(failed == 1 ? "" : "s") in \(tools) tool\(tools == 1 ? "" : "s")",
            position: PaneChrome.position(offset: offset, visible: visible, total: rows.count),
            focused: state.ui.focus == .errors,
            in: rect,
            grid: &grid,
            theme: theme
        )
        guard rect.height > 1 else { return }
        if rows.isEmpty {
            let message = !state.hasData ? state.noDataMessage : "no failed calls"
            grid.write(message, x: rect.x + 1, y: rect.y + 1, maxWidth: rect.width - 2, style: theme.dim)
            return
        }
        let columns = Columns(width: rect.width, rows: rows)
        let header = rect.y + 1
        var x = rect.x + 1
        for (title, width, alignment) in fields(columns) {
            grid.write(title, x: x, y: header, width: width, alignment: alignment, style: theme.columnHeader)
            x += width + 1
        }
        for (line, row) in rows.rows(offset..<offset + visible).enumerated() {
            drawRow(row, columns: columns, x: rect.x + 1, y: header + 1 + line, grid: &grid)
        }
        PaneChrome.scrollbar(
            x: rect.maxX - 1,
            y: header + 1,
            height: visible,
            offset: offset,
            visible: visible,
            total: rows.count,
            grid: &grid,
            theme: theme
        )
    }

    private func fields(_ columns: Columns) -> [(String, Int, TextAlignment)] {
        (columns.server > 0 ? [("server", columns.server, .left)] : []) + [
            ("tool", columns.tool, .left), ("error", columns.type, .left), ("count", columns.count, .right),
            ("% calls", columns.share, .right),
        ]
    }

    private func drawRow(_ row: ErrorRow, columns: Columns, x: Int, y: Int, grid: inout ScreenGrid) {
        let level: Theme.Level = row.share >= 5 ? .critical : row.share >= 1 ? .warning : .normal
        var column = x
        if columns.server > 0 {
            grid.write(row.server, x: column, y: y, width: columns.server, alignment: .left, style: theme.dim)
            column += columns.server + 1
        }
        grid.write(row.tool, x: column, y: y, width: columns.tool, alignment: .left)
        column += columns.tool + 1
        grid.write(row.type, x: column, y: y, width: columns.type, alignment: .left, style: theme.style(level))
        column += columns.type + 1
        grid.write(Format.count(row.count), x: column, y: y, width: columns.count, alignment: .right)
        column += columns.count + 1
        grid.write(
            Format.percent(row.share),
            x: column,
            y: y,
            width: columns.share,
            alignment: .right,
            style: theme.dim
        )
        column += columns.share + 1
        if columns.bar > 0 {
            grid.bar(
                fraction: row.share / 100,
                x: column,
                y: y,
                width: columns.bar,
                style: theme.style(level),
                emptyStyle: theme.barEmpty
            )
        }
    }
}
