import MetricsClient
import MetricsWire

/// What is running now: every call still waiting for its answer, longest first, with its elapsed time
/// (ticking between polls), a progress bar when the server reports progress, and its message.
struct LiveCallsPane {
    let state: DashboardState
    let rows: [LiveCallRow]
    let reported: Int
    let theme: Theme

    static let chrome = 2

    /// Draws the pane into `rect`.
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        let calls = rows.filter { $0.note == nil }.count
        let more = reported > calls ? " (\(reported) in flight, longest shown)" : ""
        let list = ListPane(
            title: "Live calls",
            detail: calls == 0 ? "" : "\(calls) in flight\(more)",
            pane: .live,
            chrome: Self.chrome,
            rowCount: rows.count,
            emptyMessage: state.hasData ? "nothing in flight" : state.noDataMessage,
            state: state,
            theme: theme
        )
        let width = rect.width - 3
        let serverWidth = state.isMultiTarget ? min(16, rows.reduce(6) { max($0, DisplayWidth.of($1.server)) }) : 0
        let whatWidth = min(28, max(8, rows.reduce(4) { max($0, DisplayWidth.of($1.what)) }))
        let elapsedWidth = 8
        let barWidth = max(0, min(20, (width - serverWidth - whatWidth - elapsedWidth - 20) / 2))
        list.draw(
            in: rect,
            grid: &grid,
            header: { y, grid in
                var x = rect.x + 1
                if serverWidth > 0 {
                    grid.write("server", x: x, y: y, width: serverWidth, alignment: .left, style: theme.columnHeader)
                    x += serverWidth + 1
                }
                grid.write("call", x: x, y: y, width: whatWidth, alignment: .left, style: theme.columnHeader)
                x += whatWidth + 1
                grid.write("elapsed", x: x, y: y, width: elapsedWidth, alignment: .right, style: theme.columnHeader)
                x += elapsedWidth + 1
                grid.write("progress", x: x, y: y, maxWidth: rect.maxX - x - 1, style: theme.columnHeader)
            },
            row: { index, y, grid in
                let row = rows[index]
                var x = rect.x + 1
                if serverWidth > 0 {
                    grid.write(row.server, x: x, y: y, width: serverWidth, alignment: .left, style: theme.dim)
                    x += serverWidth + 1
                }
                if let note = row.note {
                    grid.write(note, x: x, y: y, maxWidth: rect.maxX - x - 1, style: theme.statusInfo)
                    return
                }
                let what = row.fromServer ? "← " + row.what : row.what
                grid.write(what, x: x, y: y, width: whatWidth, alignment: .left)
                x += whatWidth + 1
                let level: Theme.Level =
                    row.elapsedMs >= 30_000 ? .critical : row.elapsedMs >= 5_000 ? .warning : .normal
                grid.write(
                    Format.latency(row.elapsedMs),
                    x: x,
                    y: y,
                    width: elapsedWidth,
                    alignment: .right,
                    style: theme.style(level)
                )
                x += elapsedWidth + 1
                if let progress = row.progress, barWidth > 0 {
                    if let total = row.total, total > 0 {
                        grid.bar(
                            fraction: progress / total,
                            x: x,
                            y: y,
                            width: barWidth,
                            style: theme.statusInfo,
                            emptyStyle: theme.barEmpty
                        )
                        x += barWidth + 1
                        x = grid.write(
                            Format.percent(min(100, progress * 100 / total)),
                            x: x,
                            y: y,
                            maxWidth: rect.maxX - x - 1
                        )
                    } else {
                        x = grid.write(
                            Format.fixed(progress, decimals: progress.rounded() == progress ? 0 : 1) + " done",
                            x: x,
                            y: y,
                            maxWidth: rect.maxX - x - 1
                        )
                    }
                    x += 1
                }
                if let message = row.message {
                    grid.write(message, x: x, y: y, maxWidth: rect.maxX - x - 1, style: theme.dim)
                }
            }
        )
    }
}
