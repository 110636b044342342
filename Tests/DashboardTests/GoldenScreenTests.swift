import MetricsClient
import MetricsWire
import Testing

@testable import DashboardUI

@Suite("golden screens")
struct GoldenScreenTests {
    static let standard = ScreenSize(width: 80, height: 24)
    static let medium = ScreenSize(width: 120, height: 40)
    static let large = ScreenSize(width: 200, height: 60)

    func check(
        _ state: DashboardState,
        _ size: ScreenSize,
        _ name: String,
        styles: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let grid = render(state, size: size)
        #expect(grid.size == size, sourceLocation: sourceLocation)
        GoldenFile.check(
            grid.plainText,
            named: "\(name)-\(size.width)x\(size.height).txt",
            sourceLocation: sourceLocation
        )
        if styles {
            GoldenFile.check(
                grid.styleMap,
                named: "\(name)-\(size.width)x\(size.height).styles",
                sourceLocation: sourceLocation
            )
        }
    }

    @Test(
        "a fleet through Prometheus: merged tools, instances (one down, with why)",
        arguments: [standard, medium, large]
    )
    func fleet(size: ScreenSize) {
        check(Fixtures.fleet(), size, "fleet", styles: size == Self.medium)
    }

    @Test("a fleet's tool detail: merged percentiles, the max as its bucket's bound, no minimum")
    func fleetDetail() {
        var state = Fixtures.fleet()
        state.ui.detail = ToolKey(target: "127.0.0.1:9090", tool: "chat")
        check(state, Self.medium, "fleet-detail")
    }

    @Test("a fleet of fifty instances: the down one first, the rest counted")
    func fleetOfFifty() {
        check(Fixtures.fleet(instances: 50), Self.medium, "fleet-50-instances")
    }

    @Test("a fleet whose Prometheus does not answer: reconnecting, with the panes waiting and no uploads pane")
    func fleetUnreachable() {
        check(Fixtures.fleetUnreachable(), Self.standard, "fleet-unreachable")
    }

    @Test("caches shared through PostgreSQL: the store and its state, L1 and L2; an unreachable store in red")
    func sharedCaches() {
        var snapshot = Fixtures.snapshot(tools: Fixtures.threeTools)
        // 800 lookups: 500 answered by the process's own LRU, 300 asked of the store, 120 of them answered.
        snapshot.cacheMetrics["semantic_cache"] = CacheMetrics(
            cacheName: "semantic_cache",
            hits: 620,
            misses: 180,
            entries: 812,
            maxEntries: 1000,
            store: "postgres db.internal/dash",
            storeState: "ready",
            sharedLookups: 300,
            sharedHits: 120
        )
        snapshot.cacheMetrics["file_cache"] = CacheMetrics(
            cacheName: "file_cache",
            hits: 6,
            misses: 4,
            entries: 9,
            failures: 0,
            lastFailure: "shared store unreachable: cannot connect to db.internal:5432: connection refused",
            store: "postgres db.internal/dash",
            storeState: "unreachable",
            sharedLookups: 5,
            sharedHits: 1
        )
        check(Fixtures.state(snapshot), Self.medium, "shared-caches", styles: true)
    }

    @Test("an engine not answering yet: connecting, empty panes")
    func emptyConnecting() {
        check(Fixtures.state(nil, connection: .connecting), Self.standard, "empty-connecting")
    }

    @Test("three tools with errors and caches", arguments: [standard, medium, large])
    func threeTools(size: ScreenSize) {
        check(
            Fixtures.state(Fixtures.snapshot(tools: Fixtures.threeTools)),
            size,
            "three-tools",
            styles: size == Self.medium
        )
    }

    @Test("fifty tools scroll, with the position shown", arguments: [0, 20, 999])
    func fiftyTools(offset: Int) {
        var ui = UIState(sortKey: .p95)
        ui.scroll.latency = offset
        let state = Fixtures.state(Fixtures.snapshot(tools: Fixtures.fiftyTools), ui: ui)
        check(state, Self.standard, "fifty-tools-offset\(offset)")
    }

    @Test("sorted by calls/s, the sparkline shows the call rate")
    func rateTrend() {
        let state = Fixtures.state(Fixtures.snapshot(tools: Fixtures.threeTools), ui: UIState(sortKey: .callsPerSecond))
        check(state, Self.medium, "rate-trend")
    }

    @Test("fifty tools on large terminals")
    func fiftyToolsLarge() {
        let state = Fixtures.state(Fixtures.snapshot(tools: Fixtures.fiftyTools), ui: UIState(sortKey: .calls))
        check(state, Self.large, "fifty-tools")
        check(state, ScreenSize(width: 250, height: 70), "fifty-tools")
    }

    @Test("CJK, emoji and combining marks in tool names")
    func unicodeNames() {
        check(Fixtures.state(Fixtures.snapshot(tools: Fixtures.unicodeTools)), Self.standard, "unicode-names")
        check(Fixtures.state(Fixtures.snapshot(tools: Fixtures.unicodeTools)), Self.medium, "unicode-names")
    }

    @Test("uploads in progress and recent results")
    func uploads() {
        var state = Fixtures.state(Fixtures.snapshot(tools: Fixtures.threeTools, uploads: Fixtures.uploads))
        state.targets[0].uploadRates = ["u5": 2_250_000, "u7": 0]
        state.ui.statusMessage = StatusMessage("test upload started")
        check(state, Self.standard, "uploads")
        check(state, Self.medium, "uploads")
    }

    @Test("unreachable and stale engines keep the last data and say so")
    func unhealthy() {
        let snapshot = Fixtures.snapshot(tools: Fixtures.threeTools)
        check(Fixtures.state(snapshot, connection: .stale(lastGoodAge: .seconds(12))), Self.standard, "stale")
        let refused = PollError(.connectionRefused, "connection refused")
        check(
            Fixtures.state(snapshot, connection: .reconnecting(attempt: 3, nextTryIn: .seconds(4), error: refused)),
            Self.standard,
            "reconnecting"
        )
        let notJSON = PollError(.notJSON, "not JSON")
        check(
            Fixtures.state(nil, connection: .incompatible(error: notJSON, attempt: 1, nextTryIn: .seconds(1))),
            Self.standard,
            "incompatible"
        )
    }

    @Test("help overlay, reset prompt, paused banner and filter prompt")
    func overlays() {
        let snapshot = Fixtures.snapshot(tools: Fixtures.threeTools)
        check(Fixtures.state(snapshot, ui: UIState(isHelpVisible: true)), Self.standard, "help")
        check(Fixtures.state(snapshot, ui: UIState(isConfirmingReset: true)), Self.standard, "reset-prompt")
        check(Fixtures.state(snapshot, ui: UIState(isPaused: true)), Self.standard, "paused")
        check(
            Fixtures.state(snapshot, ui: UIState(filterDraft: "th", isEditingFilter: true)),
            Self.standard,
            "filter-editing"
        )
        let error = StatusMessage("cannot upload: no token (pass --token)", kind: .error)
        check(Fixtures.state(snapshot, ui: UIState(filterText: "ch", statusMessage: error)), Self.standard, "filtered")
    }

    @Test(
        "a terminal below 80×24 gets a too-small screen",
        arguments: [ScreenSize(width: 79, height: 24), ScreenSize(width: 30, height: 10)]
    )
    func tooSmall(size: ScreenSize) {
        check(Fixtures.state(Fixtures.snapshot(tools: Fixtures.threeTools)), size, "too-small")
    }

    @Test("monochrome uses attributes only")
    func monochrome() {
        let state = Fixtures.state(
            Fixtures.snapshot(tools: Fixtures.threeTools, uploads: Fixtures.uploads),
            ui: UIState(colorEnabled: false)
        )
        check(state, Self.medium, "monochrome", styles: true)
        let grid = render(state, size: Self.medium)
        #expect(grid.cells.allSatisfy { $0.foreground == .default && $0.background == .default })
        #expect(grid.cells.contains { $0.attributes.contains(.reverse) })
    }

    @Test(
        "eight targets: a proxy, a serve engine, a Python-shaped server, one reconnecting, one ended",
        arguments: [standard, medium, large]
    )
    func eightTargets(size: ScreenSize) {
        check(Fixtures.manyTargets(count: 8, toolsEach: 3), size, "eight-targets", styles: size == Self.medium)
        check(Fixtures.manyTargets(count: 8, toolsEach: 50, ui: UIState(sortKey: .p95)), size, "eight-targets-50-tools")
    }

    @Test(
        "one proxy target: live calls with progress, recent failures, annotations",
        arguments: [standard, medium, large]
    )
    func oneProxy(size: ScreenSize) {
        check(Fixtures.manyTargets(count: 1, toolsEach: 4), size, "one-proxy")
    }

    @Test(
        "a 2026-07-28 proxy: rounds beside the tool, a listen stream and a call waiting for input in Live calls",
        arguments: [standard, medium]
    )
    func modernProxy(size: ScreenSize) {
        check(Fixtures.modernProxy(), size, "modern-proxy")
        var detail = Fixtures.modernProxy()
        let tool = detail.targets[0].snapshot!.toolMetrics.keys.sorted()[0]
        detail.ui.detail = ToolKey(target: detail.targets[0].id, tool: tool)
        check(detail, size, "modern-proxy-detail")
    }

    @Test(
        "a tool's detail: histogram, percentile chart, calls and errors, failures",
        arguments: [standard, medium, large]
    )
    func toolDetail(size: ScreenSize) {
        check(Fixtures.detailState(), size, "tool-detail", styles: size == Self.medium)
    }

    @Test("a Python-original-shaped server: no control API, constant percentiles noted")
    func constantPercentiles() {
        var state = Fixtures.manyTargets(count: 6, toolsEach: 3)
        state.targets = [state.targets[5]]
        check(state, Self.medium, "python-shaped")
    }

    @Test("--local before any proxy started, and the embedded engine offering the local proxies it found")
    func noTargetsAndOffer() {
        check(
            DashboardState(targets: [], mode: .local, now: Fixtures.now, clockZone: .utc),
            Self.standard,
            "no-targets"
        )
        var offering = Fixtures.state(Fixtures.snapshot(tools: Fixtures.threeTools))
        offering.localOffer = 3
        check(offering, Self.medium, "local-offer")
    }
}
