/// Draws one frame of the dashboard for `state` on a screen of `size`.
///
/// Pure: the same state and size give the same grid. Below `ScreenSize.minimum` the frame says the
/// terminal is too small; a tool's detail covers the panes; overlays (help, reset prompt) are drawn over
/// everything.
func render(_ state: DashboardState, size: ScreenSize) -> ScreenGrid {
    render(state, size: size, content: size.contains(.minimum) ? PaneContent.frame(state) : nil)
}

/// The screen loop's frame: stores this frame's scroll limits in `state` (pulling offsets and the
/// highlight back inside them), then draws it, computing the panes' rows once for both.
func drawFrame(_ state: inout DashboardState, size: ScreenSize) -> ScreenGrid {
    guard size.contains(.minimum) else {
        state.ui.scrollLimits = .unlimited
        return render(state, size: size, content: nil)
    }
    let content = PaneContent.frame(state)
    let layout = DashboardLayout(size: size, content: content, ui: state.ui)
    state.ui.scrollLimits = layout.scrollLimits(for: content)
    state.ui.clampScroll()
    if var view = state.ui.messages {
        if view.opened == nil {
            let shown = state.messages.shown(filter: view.filter)
            view.resolve(shown: shown, rows: state.messages.rows, visible: MessagesView.listRows(in: layout.body))
        }
        if let key = view.opened {
            let row = state.messages.row(key)
            if view.detailLines?.entry != row?.entry || view.detailLines?.width != size.width {
                view.detailLines = .init(
                    entry: row?.entry,
                    width: size.width,
                    lines: MessageDetailView.lines(row, width: size.width, clockZone: state.clockZone)
                )
            }
            view.detail.resolve(
                lines: view.detailLines?.lines.count ?? 0,
                visible: MessageDetailView.textRows(in: layout.body)
            )
        } else {
            view.detailLines = nil
        }
        state.ui.messages = view
    } else if var view = state.ui.tools {
        let lines = ToolsView(state: state, theme: Theme(colorEnabled: state.ui.colorEnabled)).lines(width: size.width)
        view.scroll.resolve(lines: lines.count, visible: ToolsView.textRows(in: layout.body))
        state.ui.tools = view
    }
    return render(state, size: size, content: content)
}

private func render(_ state: DashboardState, size: ScreenSize, content: PaneContent?) -> ScreenGrid {
    var grid = ScreenGrid(size: size)
    let theme = Theme(colorEnabled: state.ui.colorEnabled)
    guard size.contains(.minimum), let content else {
        TooSmallScreen.draw(size: size, grid: &grid, theme: theme)
        return grid
    }
    let layout = DashboardLayout(size: size, content: content, ui: state.ui)
    HeaderPane(state: state, theme: theme).draw(in: layout.header, grid: &grid)
    if let banner = layout.banner { BannerPane(theme: theme).draw(in: banner, grid: &grid) }
    if let view = state.ui.messages {
        if let key = view.opened {
            let row = state.messages.row(key)
            let lines =
                view.detailLines.flatMap { $0.entry == row?.entry && $0.width == size.width ? $0.lines : nil }
                ?? MessageDetailView.lines(row, width: size.width, clockZone: state.clockZone)
            MessageDetailView(state: state, key: key, theme: theme)
                .draw(in: layout.body, lines: lines, offset: view.detail.offset, grid: &grid)
        } else {
            MessagesView(state: state, shown: state.messages.shown(filter: view.filter), theme: theme)
                .draw(in: layout.body, grid: &grid)
        }
    } else if let view = state.ui.tools {
        let tools = ToolsView(state: state, theme: theme)
        tools.draw(in: layout.body, lines: tools.lines(width: size.width), offset: view.scroll.offset, grid: &grid)
    } else if let key = state.ui.detail {
        ToolDetailView(state: state, key: key, theme: theme).draw(in: layout.body, grid: &grid)
    } else {
        LatencyPane(state: state, rows: content.tools, toolCount: content.toolCount, theme: theme)
            .draw(in: layout.latency, grid: &grid)
        LiveCallsPane(state: state, rows: content.live, reported: content.liveReported, theme: theme)
            .draw(in: layout.live, grid: &grid)
        FailuresPane(state: state, rows: content.failures, theme: theme).draw(in: layout.failures, grid: &grid)
        ErrorsPane(state: state, rows: content.errors, theme: theme).draw(in: layout.errors, grid: &grid)
        CachesPane(state: state, caches: content.caches, theme: theme).draw(in: layout.caches, grid: &grid)
        UploadsPane(state: state, list: content.uploads, theme: theme).draw(in: layout.uploads, grid: &grid)
        InstancesPane(state: state, fleet: content.fleet, theme: theme).draw(in: layout.instances, grid: &grid)
    }
    StatusLine(state: state, shownTools: content.tools.count, theme: theme).draw(in: layout.status, grid: &grid)
    FooterPane(state: state, theme: theme).draw(in: layout.footer, grid: &grid)
    if state.ui.isHelpVisible { HelpOverlay.draw(in: grid.bounds, grid: &grid, theme: theme) }
    if state.ui.isConfirmingReset { ResetPrompt.draw(in: grid.bounds, grid: &grid, theme: theme) }
    return grid
}

/// How far each pane can scroll when `state` is drawn on `size`: assign it to `state.ui.scrollLimits`
/// after each frame so the scroll keys stop at the last row.
func scrollLimits(for state: DashboardState, size: ScreenSize) -> ScrollLimits {
    guard size.contains(.minimum) else { return .unlimited }
    let content = PaneContent(state)
    return DashboardLayout(size: size, content: content, ui: state.ui).scrollLimits(for: content)
}

/// The tool of the latency table's highlighted row, when there is one.
func selectedTool(in state: DashboardState) -> ToolKey? {
    let rows = ToolTable(state)
    guard rows.indices.contains(state.ui.selectedRow) else { return nil }
    return rows[state.ui.selectedRow].key
}
