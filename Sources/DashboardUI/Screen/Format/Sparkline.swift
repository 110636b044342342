/// A one-row chart of recent values drawn with the eight block heights ▁▂▃▄▅▆▇█.
enum Sparkline {
    /// The bar glyphs, lowest first.
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    /// The bar glyphs as cell glyphs.
    static let glyphs = levels.map { Glyph($0) }

    /// The newest `width` values as a sparkline exactly `width` columns wide, right-aligned (newest value
    /// in the last column) and padded with spaces on the left when there are fewer values.
    ///
    /// Bars are scaled from 0 to the largest value shown, so equal values draw equal bars and a flat line
    /// at a high latency stays high. Values that are negative or not finite leave a gap.
    static func render(_ values: [Double], width: Int) -> String {
        guard width > 0 else { return "" }
        let shown = values.suffix(width)
        let peak = shown.reduce(0) { $1.isFinite && $1 > $0 ? $1 : $0 }
        var result = String(repeating: " ", count: width - shown.count)
        for value in shown {
            guard value.isFinite, value >= 0 else {
                result.append(" ")
                continue
            }
            result.append(levels[level(value, peak: peak)])
        }
        return result
    }

    /// The glyph index 0–7 of `value` on a 0…`peak` scale.
    static func level(_ value: Double, peak: Double) -> Int {
        guard peak > 0 else { return 0 }
        let scaled = Int((value / peak * Double(levels.count - 1)).rounded())
        return min(max(scaled, 0), levels.count - 1)
    }
}
