import MetricsClient
import MetricsWire

/// A chart several rows high of p50, p95 and p99 over time: one column per point, newest on the right,
/// each column filled from the bottom to the p50 (`█`), on to the p95 (`▓`) and on to the p99 (`░`), so
/// the three read apart without colour. The scale runs from 0 to the largest p99 shown.
enum BandChart {
    /// The glyph of each band, p50 first.
    static let bands: [Character] = ["█", "▓", "░"]

    /// Draws the chart in `rect` (the left column holds the scale's top value).
    static func draw(
        p50: [Double],
        p95: [Double],
        p99: [Double],
        in rect: Rect,
        styles: [Style],
        labelStyle: Style,
        grid: inout ScreenGrid
    ) {
        guard rect.height > 1, rect.width > 10 else { return }
        let labelWidth = 7
        let width = rect.width - labelWidth - 1
        let count = min(width, p50.count, p95.count, p99.count)
        let series = [p50.suffix(count), p95.suffix(count), p99.suffix(count)].map(Array.init)
        let peak = series[2].reduce(0) { $1.isFinite && $1 > $0 ? $1 : $0 }
        grid.write(Format.latency(peak), x: rect.x, y: rect.y, width: labelWidth, alignment: .right, style: labelStyle)
        grid.write("0", x: rect.x, y: rect.maxY - 1, width: labelWidth, alignment: .right, style: labelStyle)
        guard peak > 0, count > 0 else { return }
        let left = rect.x + labelWidth + 1 + (width - count)
        for column in 0..<count {
            var previous = 0
            for band in 0..<3 {
                let value = series[band][column]
                let top = value.isFinite && value > 0 ? max(1, Int((value / peak * Double(rect.height)).rounded())) : 0
                let height = min(rect.height, max(top, previous))
                for row in previous..<height {
                    grid.put(bands[band], x: left + column, y: rect.maxY - 1 - row, style: styles[band], columns: 1)
                }
                previous = height
            }
        }
    }
}
