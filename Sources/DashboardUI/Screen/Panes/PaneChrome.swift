/// The parts every pane shares: a title rule and a scrollbar.
enum PaneChrome {
    /// Draws a pane's title line on the first row of `rect`: `─ Title  detail ──────── position ─`.
    ///
    /// The title is highlighted when the pane has focus; `position` (e.g. "11–20 of 50") is right-aligned.
    static func title(
        _ title: String,
        detail: String = "",
        position: String? = nil,
        focused: Bool = false,
        in rect: Rect,
        grid: inout ScreenGrid,
        theme: Theme
    ) {
        guard rect.height > 0, rect.width > 4 else { return }
        let y = rect.y
        grid.horizontalLine(x: rect.x, y: y, length: rect.width, style: theme.rule)
        var x = rect.x + 1
        x = grid.write(
            " \(title) ",
            x: x,
            y: y,
            maxWidth: rect.maxX - x - 1,
            style: focused ? theme.focusedTitle : theme.title
        )
        var end = rect.maxX - 1
        if let position {
            let text = " \(position) "
            let width = DisplayWidth.of(text)
            if x + width + 4 <= end {
                grid.write(text, x: end - width, y: y, style: theme.dim)
                end -= width
            }
        }
        if !detail.isEmpty, end - x > 3 {
            grid.write(" \(detail) ", x: x, y: y, maxWidth: end - x - 1, style: theme.dim)
        }
    }

    /// "first–last of total" for a scrolled list, or nil when everything fits.
    static func position(offset: Int, visible: Int, total: Int) -> String? {
        guard total > visible, visible > 0 else { return nil }
        return "\(offset + 1)–\(min(offset + visible, total)) of \(total)"
    }

    /// Draws a one-column scrollbar at column `x` from row `y` over `height` rows for a list of `total` rows
    /// showing `visible` from `offset`. Draws nothing when everything fits.
    static func scrollbar(
        x: Int,
        y: Int,
        height: Int,
        offset: Int,
        visible: Int,
        total: Int,
        grid: inout ScreenGrid,
        theme: Theme
    ) {
        guard total > visible, height > 0 else { return }
        let thumb = max(1, height * visible / total)
        let maxOffset = total - visible
        let start = maxOffset > 0 ? (height - thumb) * min(offset, maxOffset) / maxOffset : 0
        for row in 0..<height {
            let isThumb = row >= start && row < start + thumb
            grid.put(isThumb ? "┃" : "│", x: x, y: y + row, style: isThumb ? theme.title : theme.rule, columns: 1)
        }
    }
}
