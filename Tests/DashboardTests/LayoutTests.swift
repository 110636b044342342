import MetricsClient
import Testing

@testable import Dashboard

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
                        layout.header, layout.latency, layout.caches, layout.errors, layout.uploads, layout.status,
                        layout.footer,
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
            #expect(measured.rows > previousRows, "\(size)")
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

    @Test("two panes share rows: what fits, else what the other leaves, else half")
    func share() {
        #expect(DashboardLayout.share(20, first: 5, second: 5) == 5)
        #expect(DashboardLayout.share(20, first: 8, second: 30) == 8)
        #expect(DashboardLayout.share(20, first: 30, second: 4) == 16)
        #expect(DashboardLayout.share(20, first: 30, second: 30) == 10)
    }
}
