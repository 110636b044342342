/// The frame every list pane shares: a title with the scroll position, an optional header line, the
/// visible slice of rows, a scrollbar, and a dim line when there is nothing to list.
struct ListPane {
    var title: String
    var detail: String
    var pane: FocusPane
    /// Lines above the rows: the title, plus a column header when there is one.
    var chrome: Int
    var rowCount: Int
    var emptyMessage: String
    let state: DashboardState
    let theme: Theme

    /// Draws the pane into `rect`; `header` draws the column header at a row, `row` one row at a row.
    func draw(
        in rect: Rect,
        grid: inout ScreenGrid,
        header: (Int, inout ScreenGrid) -> Void = { _, _ in },
        row: (Int, Int, inout ScreenGrid) -> Void
    ) {
        guard rect.height > 0 else { return }
        let visible = max(0, rect.height - chrome)
        let offset = min(max(0, state.ui.scroll[pane]), max(0, rowCount - visible))
        PaneChrome.title(
            title,
            detail: detail,
            position: PaneChrome.position(offset: offset, visible: visible, total: rowCount),
            focused: state.ui.focus == pane,
            in: rect,
            grid: &grid,
            theme: theme
        )
        guard rect.height > 1 else { return }
        if rowCount == 0 {
            grid.write(emptyMessage, x: rect.x + 1, y: rect.y + 1, maxWidth: rect.width - 2, style: theme.dim)
            return
        }
        if chrome > 1 { header(rect.y + 1, &grid) }
        for line in 0..<min(visible, rowCount - offset) {
            row(offset + line, rect.y + chrome + line, &grid)
        }
        PaneChrome.scrollbar(
            x: rect.maxX - 1,
            y: rect.y + chrome,
            height: visible,
            offset: offset,
            visible: visible,
            total: rowCount,
            grid: &grid,
            theme: theme
        )
    }
}
