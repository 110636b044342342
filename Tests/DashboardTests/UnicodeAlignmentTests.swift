import MetricsClient
import MetricsWire
import Testing

@testable import DashboardUI

@Suite("wide characters keep columns aligned")
struct UnicodeAlignmentTests {
    /// The text of cells `x..<x+width` of row `y`, a wide character counted once.
    static func text(_ grid: ScreenGrid, x: Int, y: Int, width: Int) -> String {
        var result = ""
        for column in x..<x + width where !grid[column, y].isContinuation { result.append(grid[column, y].character) }
        return result
    }

    @Test(
        "every number column starts at the same cell whatever the tool name",
        arguments: [ScreenSize(width: 80, height: 24), ScreenSize(width: 120, height: 40)]
    )
    func columns(size: ScreenSize) throws {
        // Focus elsewhere: the highlighted row's blanks carry the highlight's background.
        let state = Fixtures.state(Fixtures.snapshot(tools: Fixtures.unicodeTools), ui: UIState(focus: .errors))
        let grid = render(state, size: size)
        let content = PaneContent(state)
        let layout = DashboardLayout(size: size, content: content, ui: state.ui)
        let longest = content.tools.reduce(0) { max($0, DisplayWidth.of($1.name)) }
        let columns = LatencyColumns(width: layout.latency.width, longestName: longest)
        for (index, row) in content.tools.enumerated() {
            let y = layout.latency.y + DashboardLayout.latencyChrome + index
            let x = layout.latency.x
            let name = Self.text(grid, x: x + columns.tool.x, y: y, width: columns.tool.width)
            #expect(DisplayWidth.of(name.trimmingSuffix()) <= columns.tool.width)
            #expect(row.name.hasPrefix(name.trimmingSuffix().replacingEllipsis()), "\(name)")
            // The gap after the name is a real blank, not half of a wide character.
            #expect(grid[x + columns.calls.x - 1, y] == Cell(" "), "row \(index)")
            let calls = Self.text(grid, x: x + columns.calls.x, y: y, width: columns.calls.width)
            #expect(
                calls == String(repeating: " ", count: columns.calls.width - Format.count(row.calls).count)
                    + Format.count(row.calls)
            )
            let p95 = Self.text(grid, x: x + columns.p95.x, y: y, width: columns.p95.width)
            #expect(p95.trimmingPrefix() == Format.latency(row.p95))
            #expect(grid[x + columns.p95.x + columns.p95.width - 1, y].character == Format.latency(row.p95).last)
        }
    }

    @Test("the lines of the frame are all exactly as wide as the terminal")
    func lineWidths() {
        let size = ScreenSize(width: 80, height: 24)
        let grid = render(Fixtures.state(Fixtures.snapshot(tools: Fixtures.unicodeTools)), size: size)
        for y in 0..<size.height {
            let width = (0..<size.width).reduce(0) { total, x in
                let cell = grid[x, y]
                return total + Int(cell.width)
            }
            #expect(width == size.width, "row \(y)")
        }
    }
}

extension String {
    fileprivate func trimmingSuffix() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }

    fileprivate func trimmingPrefix() -> String {
        String(drop { $0 == " " })
    }

    fileprivate func replacingEllipsis() -> String {
        last == "…" ? String(dropLast()) : self
    }
}
