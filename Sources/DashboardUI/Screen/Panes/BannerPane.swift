/// The full-width banner under the header while the display is paused.
struct BannerPane {
    let theme: Theme

    /// Draws the banner on the first row of `rect`.
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        grid.write(
            "PAUSED · display frozen · press p to resume",
            x: rect.x,
            y: rect.y,
            width: rect.width,
            alignment: .center,
            style: theme.banner
        )
    }
}
