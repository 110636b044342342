/// What is shown instead of the dashboard when the terminal is smaller than `ScreenSize.minimum`.
enum TooSmallScreen {
    /// The message for a terminal of `size`.
    static func message(for size: ScreenSize) -> String {
        "terminal too small (have \(size), need \(ScreenSize.minimum))"
    }

    /// Draws the message centred on `grid`, split over two lines when one is too narrow.
    static func draw(size: ScreenSize, grid: inout ScreenGrid, theme: Theme) {
        let single = message(for: size)
        let lines =
            DisplayWidth.of(single) <= size.width
            ? [single, "enlarge the window, or press q to quit"]
            : ["terminal too small", "(have \(size),", "need \(ScreenSize.minimum))", "q quits"]
        let top = max(0, (size.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            grid.write(
                line,
                x: 0,
                y: top + index,
                width: size.width,
                alignment: .center,
                style: index == 0 ? theme.statusError : theme.dim
            )
        }
    }
}
