import MetricsClient
import Testing

@testable import Dashboard

@Suite("render")
struct RenderTests {
    @Test("rendering is pure: the same state gives the same grid")
    func pure() {
        let state = Fixtures.state(Fixtures.snapshot(tools: Fixtures.fiftyTools, uploads: Fixtures.uploads))
        let size = ScreenSize(width: 120, height: 40)
        #expect(render(state, size: size) == render(state, size: size))
    }

    @Test("the focused pane's title is highlighted and the sorted column is marked")
    func focusAndSort() {
        let theme = Theme(colorEnabled: true)
        let size = ScreenSize(width: 80, height: 24)
        for focus in FocusPane.allCases {
            let state = Fixtures.state(
                Fixtures.snapshot(tools: Fixtures.threeTools, uploads: Fixtures.uploads),
                ui: UIState(focus: focus)
            )
            let grid = render(state, size: size)
            let layout = DashboardLayout(size: size, content: PaneContent(state), ui: state.ui)
            let rects: [FocusPane: Rect] = [.latency: layout.latency, .errors: layout.errors, .uploads: layout.uploads]
            for (pane, rect) in rects {
                let style = grid[rect.x + 2, rect.y].style
                #expect((style == theme.focusedTitle) == (pane == focus), "\(pane) with focus on \(focus)")
            }
        }
        let sorted = render(
            Fixtures.state(Fixtures.snapshot(tools: Fixtures.threeTools), ui: UIState(sortKey: .p99)),
            size: size
        )
        #expect(sorted.lines[2].contains("p99▼"))
    }

    @Test("an engine without an uploader (a proxy) is not offered u; one with an uploader is")
    func noUploader() {
        let size = ScreenSize(width: 120, height: 40)
        let without = render(Fixtures.state(Fixtures.snapshot(tools: Fixtures.threeTools, uploads: nil)), size: size)
            .lines
        #expect(without.contains { $0.contains("this engine does not upload files") })
        #expect(!without.contains { $0.contains("press u to start a test upload") })
        let idleUploader = UploadMetrics(
            maxParallel: 3,
            inFlight: 0,
            queued: 0,
            completed: 0,
            failed: 0,
            cached: 0,
            bytesSent: 0,
            recent: []
        )
        let with = render(
            Fixtures.state(Fixtures.snapshot(tools: Fixtures.threeTools, uploads: idleUploader)),
            size: size
        ).lines
        #expect(with.contains { $0.contains("idle · press u to start a test upload") })
    }

    @Test("p95 and ok% take their threshold colours")
    func thresholds() throws {
        let size = ScreenSize(width: 80, height: 24)
        let state = Fixtures.state(Fixtures.snapshot(tools: Fixtures.threeTools))
        let grid = render(state, size: size)
        let theme = Theme(colorEnabled: true)
        let columns = LatencyColumns(width: 80, longestName: 10)
        func style(of tool: String, _ column: LatencyColumns.Column) throws -> Style {
            let y = try #require(grid.lines.firstIndex { $0.hasPrefix(" \(tool) ") })
            return grid[column.x + column.width - 1, y].style
        }
        #expect(try style(of: "codereview", columns.p95) == theme.style(.good))
        #expect(try style(of: "chat", columns.p95) == theme.style(.warning))
        #expect(try style(of: "thinkdeep", columns.p95) == theme.style(.critical))
        #expect(try style(of: "thinkdeep", columns.ok) == theme.style(.critical))
        #expect(try style(of: "chat", columns.ok) == theme.text)
    }

    @Test("a frame of 50 tools renders quickly")
    func speed() {
        let state = Fixtures.state(Fixtures.snapshot(tools: Fixtures.fiftyTools, uploads: Fixtures.uploads))
        let size = ScreenSize(width: 200, height: 60)
        _ = render(state, size: size)
        let clock = ContinuousClock()
        var durations: [Duration] = []
        for _ in 0..<20 {
            durations.append(clock.measure { _ = render(state, size: size) })
        }
        let median = durations.sorted()[durations.count / 2]
        // Debug builds are an order of magnitude slower than release, where a frame takes well under 1 ms.
        #expect(median < .milliseconds(50), "median \(median)")
    }
}
