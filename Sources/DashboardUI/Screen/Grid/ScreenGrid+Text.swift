/// How text sits in a field wider than itself.
enum TextAlignment: Sendable {
    case left
    case right
    case center
}

extension ScreenGrid {
    /// Writes `text` from column `x` of row `y`, using at most `maxWidth` columns (to the grid's edge when
    /// nil), ending in "…" when it does not fit. Returns the column after the last one written.
    @discardableResult
    mutating func write(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, style: Style = .plain) -> Int {
        let limit = min(maxWidth ?? (width - x), width - x)
        guard limit > 0, y >= 0, y < height else { return x }
        if let end = writeASCII(text, x: x, y: y, limit: limit, style: style) { return end }
        let fitted = DisplayWidth.truncate(text, to: limit)
        var column = x
        for character in fitted {
            let columns = DisplayWidth.of(character)
            guard columns > 0 else { continue }
            if column + columns > x + limit { break }
            if column >= 0 {
                column += put(Glyph(character), x: column, y: y, style: style, columns: columns)
            } else {
                column += columns
            }
        }
        return column
    }

    /// The common case of `write` without grapheme breaking or width lookups: printable ASCII, one cell
    /// per byte. Returns nil when `text` is not printable ASCII.
    private mutating func writeASCII(_ text: String, x: Int, y: Int, limit: Int, style: Style) -> Int? {
        let written: Int?? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
            let truncated = bytes.count > limit
            let shown = truncated ? limit - 1 : bytes.count
            for index in 0..<shown where x + index >= 0 {
                put(Glyph(ascii: bytes[index]), x: x + index, y: y, style: style, columns: 1)
            }
            if truncated, x + shown >= 0 {
                put(Glyph(DisplayWidth.ellipsis), x: x + shown, y: y, style: style, columns: 1)
            }
            return x + shown + (truncated ? 1 : 0)
        }
        return written ?? nil
    }

    /// Writes `text` into a field of exactly `width` columns at (`x`, `y`), padded with spaces in `style`
    /// and aligned; truncated with "…" when longer.
    mutating func write(
        _ text: String,
        x: Int,
        y: Int,
        width fieldWidth: Int,
        alignment: TextAlignment,
        style: Style = .plain
    ) {
        guard fieldWidth > 0 else { return }
        fill(Rect(x: x, y: y, width: fieldWidth, height: 1), style: style)
        let textWidth = DisplayWidth.of(text)
        let start: Int
        switch alignment {
        case .left: start = x
        case .right: start = x + max(0, fieldWidth - textWidth)
        case .center: start = x + max(0, (fieldWidth - textWidth) / 2)
        }
        write(text, x: start, y: y, maxWidth: fieldWidth - (start - x), style: style)
    }

    /// Writes a sequence of styled runs one after another from (`x`, `y`), stopping at `maxWidth` columns.
    /// Returns the column after the last one written.
    @discardableResult
    mutating func write(_ runs: [(String, Style)], x: Int, y: Int, maxWidth: Int) -> Int {
        var column = x
        for (text, style) in runs {
            let remaining = x + maxWidth - column
            guard remaining > 0 else { break }
            column = write(text, x: column, y: y, maxWidth: remaining, style: style)
        }
        return column
    }

    /// Draws a horizontal line of `character` from (`x`, `y`) over `length` columns.
    mutating func horizontalLine(x: Int, y: Int, length: Int, character: Character = "─", style: Style = .plain) {
        fill(Rect(x: x, y: y, width: length, height: 1), with: character, style: style)
    }

    /// Draws a single-line frame around `rect` with an optional title in its top edge, and blanks the inside.
    mutating func box(_ rect: Rect, title: String? = nil, style: Style = .plain, titleStyle: Style? = nil) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        fill(rect, style: style)
        horizontalLine(x: rect.x + 1, y: rect.y, length: rect.width - 2, style: style)
        horizontalLine(x: rect.x + 1, y: rect.maxY - 1, length: rect.width - 2, style: style)
        for row in rect.y + 1..<rect.maxY - 1 {
            put(Glyph("│"), x: rect.x, y: row, style: style, columns: 1)
            put(Glyph("│"), x: rect.maxX - 1, y: row, style: style, columns: 1)
        }
        put(Glyph("┌"), x: rect.x, y: rect.y, style: style, columns: 1)
        put(Glyph("┐"), x: rect.maxX - 1, y: rect.y, style: style, columns: 1)
        put(Glyph("└"), x: rect.x, y: rect.maxY - 1, style: style, columns: 1)
        put(Glyph("┘"), x: rect.maxX - 1, y: rect.maxY - 1, style: style, columns: 1)
        if let title, rect.width > 6 {
            write(" \(title) ", x: rect.x + 2, y: rect.y, maxWidth: rect.width - 4, style: titleStyle ?? style)
        }
    }
}
