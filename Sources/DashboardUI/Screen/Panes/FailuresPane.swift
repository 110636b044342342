import Foundation
import MetricsClient
import MetricsWire

/// What went wrong last: the latest failed calls of every target, newest first, with their messages.
struct FailuresPane {
    let state: DashboardState
    let rows: [FailureRow]
    let theme: Theme

    static let chrome = 1

    /// Draws the pane into `rect`: one line per failure, `time server tool error_type message`.
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        let list = ListPane(
            title: "Recent failures",
            detail: rows.isEmpty ? "" : "newest first",
            pane: .failures,
            chrome: Self.chrome,
            rowCount: rows.count,
            emptyMessage: state.hasData ? "no failures reported" : state.noDataMessage,
            state: state,
            theme: theme
        )
        let serverWidth = state.isMultiTarget ? min(16, rows.reduce(6) { max($0, DisplayWidth.of($1.server)) }) : 0
        let whatWidth = min(24, rows.reduce(4) { max($0, DisplayWidth.of($1.what)) })
        let typeWidth = min(18, rows.reduce(4) { max($0, DisplayWidth.of($1.errorType)) })
        list.draw(in: rect, grid: &grid) { index, y, grid in
            let row = rows[index]
            var x = rect.x + 1
            x =
                grid.write(state.clockZone.clock(Date(timeIntervalSince1970: row.time)), x: x, y: y, style: theme.dim)
                + 1
            if serverWidth > 0 {
                grid.write(row.server, x: x, y: y, width: serverWidth, alignment: .left, style: theme.dim)
                x += serverWidth + 1
            }
            grid.write(row.what, x: x, y: y, width: whatWidth, alignment: .left)
            x += whatWidth + 1
            grid.write(row.errorType, x: x, y: y, width: typeWidth, alignment: .left, style: theme.style(.warning))
            x += typeWidth + 1
            grid.write(row.message, x: x, y: y, maxWidth: rect.maxX - x - 1)
        }
    }
}
