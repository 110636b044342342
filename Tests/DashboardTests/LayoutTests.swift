import MetricsClient
import MetricsWire
import Testing

@testable import DashboardUI

@Suite("layout")
struct LayoutTests {
    static let sizes = [
        ScreenSize(width: 80, height: 24), ScreenSize(width: 100, height: 30), ScreenSize(width: 149, height: 45),
        ScreenSize(width: 150, height: 30), ScreenSize(width: 200, height: 60), ScreenSize(width: 250, height: 70),
    ]

    @Test("panes fill the body without overlapping, from 80×24 to 250×70", arguments: sizes)
    func noOverlap(size: ScreenSize) {
        for tools in [Fixtures.threeTools, Fixtures.fiftyTools] {
            for paused in [false, true] {
                let state = Fixtures.state(
                    Fixtures.snapshot(tools: tools, uploads: Fixtures.uploads),
                    ui: UIState(isPaused: paused)
                )
                let layout = DashboardLayout(size: size, content: PaneContent(state), ui: state.ui)
                let rects =
                    [
                        layout.header, layout.latency, layout.live, layout.failures, layout.caches, layout.errors,
                        layout.uploads, layout.status, layout.footer,
                    ]
                    + (layout.banner.map { [$0] } ?? [])
                var covered = Array(repeating: 0, count: size.width * size.height)
                for rect in rects {
                    #expect(
                        rect.x >= 0 && rect.y >= 0 && rect.maxX <= size.width && rect.maxY <= size.height,
                        "\(rect)"
                    )
                    for y in rect.y..<rect.maxY { for x in rect.x..<rect.maxX { covered[y * size.width + x] += 1 } }
                }
                #expect(covered.allSatisfy { $0 <= 1 })
                #expect(layout.latency.height >= DashboardLayout.latencyChrome + 3)
                #expect(layout.errors.height >= 2 && layout.uploads.height >= 2)
            }
        }
    }

    @Test("bigger terminals show more tool rows and a wider sparkline than 80×24")
    func growth() {
        let state = Fixtures.state(Fixtures.snapshot(tools: Fixtures.fiftyTools))
        func measure(_ size: ScreenSize) -> (rows: Int, trend: Int) {
            let layout = DashboardLayout(size: size, content: PaneContent(state), ui: state.ui)
            return (
                layout.visibleRows.latency, LatencyColumns(width: layout.latency.width, longestName: 13).trend.width
            )
        }
        let small = measure(ScreenSize(width: 80, height: 24))
        #expect(small.trend >= 8)
        var previousRows = small.rows
        for size in [
            ScreenSize(width: 120, height: 40), ScreenSize(width: 200, height: 60), ScreenSize(width: 250, height: 70),
        ] {
            let measured = measure(size)
            #expect(measured.rows > previousRows || measured.rows == 50, "\(size)")
            #expect(measured.trend >= 30, "\(size)")
            previousRows = measured.rows
        }
        #expect(previousRows >= 50)
    }

    @Test("scroll limits stop at the last row of each pane")
    func limits() {
        let size = ScreenSize(width: 80, height: 24)
        let state = Fixtures.state(Fixtures.snapshot(tools: Fixtures.fiftyTools, uploads: Fixtures.uploads))
        let layout = DashboardLayout(size: size, content: PaneContent(state), ui: state.ui)
        let limits = scrollLimits(for: state, size: size)
        #expect(limits.maxOffset.latency == 50 - layout.visibleRows.latency)
        #expect(limits.maxOffset.uploads == 8 - layout.visibleRows.uploads)
        #expect(limits.pageSize.latency == layout.visibleRows.latency - 1)
        #expect(scrollLimits(for: state, size: ScreenSize(width: 10, height: 10)) == .unlimited)
    }

    @Test("no pane scrolls while another shows blank rows, at every size, for 1 and 8 targets", arguments: sizes)
    func noBlankWhileScrolling(size: ScreenSize) {
        for state in [
            Fixtures.state(Fixtures.snapshot(tools: Fixtures.threeTools, uploads: nil)),
            Fixtures.state(Fixtures.snapshot(tools: Fixtures.fiftyTools, uploads: Fixtures.uploads)),
            Fixtures.manyTargets(count: 8, toolsEach: 5), Fixtures.manyTargets(count: 8, toolsEach: 50),
        ] {
            let content = PaneContent(state)
            let layout = DashboardLayout(size: size, content: content, ui: state.ui)
            let limits = layout.scrollLimits(for: content)
            let scrolls = FocusPane.allCases.contains { limits.maxOffset[$0] > 0 }
            let wants: [(Rect, Int)] = [
                (layout.latency, DashboardLayout.latencyChrome + max(1, content.tools.count)),
                (layout.live, content.showsLive ? max(2, LiveCallsPane.chrome + content.live.count) : 0),
                (layout.failures, content.showsLive ? FailuresPane.chrome + max(1, content.failures.count) : 0),
                (layout.errors, content.errors.isEmpty ? 2 : DashboardLayout.errorsChrome + content.errors.count),
                (layout.caches, content.caches.isEmpty ? 2 : 1 + 2 * content.caches.count),
                (layout.uploads, content.showsUploads ? 1 + max(1, content.uploads.lineCount) : 0),
            ]
            if scrolls && !layout.isWide {
                for (rect, wanted) in wants {
                    #expect(rect.height <= wanted, "\(size): a pane has blank rows while another scrolls")
                }
            }
        }
    }
}
