import Testing

@testable import DashboardUI

@Suite("sparklines and bars")
struct SparklineTests {
    @Test("values scale from zero to the largest shown")
    func scaling() {
        #expect(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7], width: 8) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.render([10, 10, 10], width: 3) == "███")
        #expect(Sparkline.render([0, 0], width: 2) == "▁▁")
        #expect(Sparkline.render([100, 50, 0], width: 3) == "█▅▁")
    }

    @Test("only the newest values fit, right-aligned, padded on the left")
    func width() {
        #expect(Sparkline.render([1, 2], width: 5) == "   ▅█")
        #expect(Sparkline.render([8, 1, 2, 4], width: 3) == "▃▅█")
        #expect(Sparkline.render([1, 2], width: 0) == "")
        #expect(Sparkline.render([], width: 2) == "  ")
    }

    @Test("bad values leave a gap")
    func gaps() {
        #expect(Sparkline.render([1, .nan, -3, .infinity, 1], width: 5) == "█   █")
    }

    @Test("the grid draws the same sparkline as the string")
    func gridMatches() {
        let values: [Double] = [5, 3, 9, 1, 0, 7, 2]
        var grid = ScreenGrid(size: ScreenSize(width: 10, height: 1))
        grid.sparkline(values, x: 0, y: 0, width: 10, style: .plain)
        #expect(grid.lines[0] == Sparkline.render(values, width: 10))
    }

    @Test(
        "bars fill eighths of a column",
        arguments: [(0.0, ""), (1.0, "████"), (0.5, "██"), (0.53, "██▏"), (0.97, "███▉"), (2.0, "████"), (-1.0, "")]
    )
    func bar(fraction: Double, filled: String) {
        let parts = ProgressBar.parts(fraction: fraction, width: 4)
        #expect(parts.filled == filled)
        #expect(DisplayWidth.of(parts.filled) + parts.empty.count == 4)
    }
}
