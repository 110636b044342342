/// The confirmation drawn over the dashboard after `r`.
enum ResetPrompt {
    /// The question asked.
    static let question = "reset all counters? y/n"

    /// Draws the prompt centred in `bounds`.
    static func draw(in bounds: Rect, grid: inout ScreenGrid, theme: Theme) {
        let detail = "clears every tool, cache and upload counter on the engine"
        let box = bounds.centered(width: DisplayWidth.of(detail) + 6, height: 6)
        grid.box(box, title: "Reset", style: theme.overlay, titleStyle: theme.overlayTitle)
        grid.write(
            question,
            x: box.x + 2,
            y: box.y + 2,
            width: box.width - 4,
            alignment: .center,
            style: theme.statusError
        )
        grid.write(detail, x: box.x + 2, y: box.y + 3, width: box.width - 4, alignment: .center, style: theme.dim)
    }
}
