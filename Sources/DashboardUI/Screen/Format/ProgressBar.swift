/// A horizontal bar for a fraction 0–1, with eighth-column precision: `█████▍░░░░`.
enum ProgressBar {
    private static let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// The filled part and the empty part of a bar `width` columns wide showing `fraction`.
    ///
    /// The empty part uses `░` so the bar reads without colour.
    static func parts(fraction: Double, width: Int) -> (filled: String, empty: String) {
        let (full, partial, empty) = segments(fraction: fraction, width: width)
        var filled = String(repeating: "█", count: full)
        if let partial { filled.append(partials[partial]) }
        return (filled, String(repeating: "░", count: empty))
    }

    /// Full blocks, the index of a partial block (if any) and empty columns of a bar.
    static func segments(fraction: Double, width: Int) -> (full: Int, partial: Int?, empty: Int) {
        guard width > 0 else { return (0, nil, 0) }
        let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let eighths = Int((clamped * Double(width * 8)).rounded())
        let remainder = eighths % 8
        let used = eighths / 8 + (remainder > 0 ? 1 : 0)
        return (eighths / 8, remainder > 0 ? remainder - 1 : nil, width - used)
    }

    fileprivate static let fullGlyph = Glyph("█")
    fileprivate static let emptyGlyph = Glyph("░")
    fileprivate static let partialGlyphs = partials.map { Glyph($0) }
}

extension ScreenGrid {
    /// Draws a bar for `fraction` at (`x`, `y`) over `width` columns: the filled part in `style`, the rest in
    /// `emptyStyle`.
    mutating func bar(fraction: Double, x: Int, y: Int, width: Int, style: Style, emptyStyle: Style) {
        let (full, partial, empty) = ProgressBar.segments(fraction: fraction, width: width)
        var column = x
        for _ in 0..<full {
            column += put(ProgressBar.fullGlyph, x: column, y: y, style: style, columns: 1)
        }
        if let partial {
            column += put(ProgressBar.partialGlyphs[partial], x: column, y: y, style: style, columns: 1)
        }
        for _ in 0..<empty {
            column += put(ProgressBar.emptyGlyph, x: column, y: y, style: emptyStyle, columns: 1)
        }
    }
}
