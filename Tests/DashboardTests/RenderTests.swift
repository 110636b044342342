import ConfigFile
import MetricsClient
import MetricsWire
import Testing

@testable import DashboardUI

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

    @Test("a target exporting spans says where in the header, by host and port only, and how many failed")
    func tracesInHeader() {
        var snapshot = Fixtures.snapshot(tools: Fixtures.threeTools)
        snapshot.otlp = OTLPMetrics(endpoint: "https://collector.example:4318", exported: 10)
        let size = ScreenSize(width: 160, height: 24)
        #expect(render(Fixtures.state(snapshot), size: size).lines[0].contains("traces → collector.example:4318"))
        snapshot.otlp = OTLPMetrics(endpoint: "http://user:pw@c:1/v1/traces?key=s", exported: 0, failed: 7)
        let header = render(Fixtures.state(snapshot), size: size).lines[0]
        #expect(header.contains("traces → c:1 (7 failed)") && !header.contains("pw") && !header.contains("key"))
        snapshot.otlp = nil
        #expect(!render(Fixtures.state(snapshot), size: size).lines[0].contains("traces"))
    }

    @Test("an engine without an uploader (a proxy) is not offered u; one with an uploader is")
    func noUploader() {
        let size = ScreenSize(width: 120, height: 40)
        let without = render(Fixtures.state(Fixtures.snapshot(tools: Fixtures.threeTools, uploads: nil)), size: size)
            .lines
        #expect(!without.contains { $0.contains("─ Uploads") }, "the uploads pane is for engines that upload")
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
        // After a batch: its files stay, each with its size, how long it took and its file id.
        var finished = Fixtures.uploads
        finished.recent = finished.recent.filter(\.state.isFinal)
        finished.inFlight = 0
        finished.queued = 0
        let after = render(Fixtures.state(Fixtures.snapshot(tools: Fixtures.threeTools, uploads: finished)), size: size)
            .lines
        #expect(after.contains { $0.contains("finished · press u to start another test upload") })
        #expect(
            after.contains {
                $0.contains("✓ done") && $0.contains("10.0 MB") && $0.contains("4.25s") && $0.contains("file-abc123")
            }
        )
    }

    @Test("a cache that is failing shows what its store said, in red, instead of its counters")
    func failingCache() throws {
        var snapshot = Fixtures.snapshot(tools: Fixtures.threeTools)
        let message = "file-ID cache write failed at /c/ids.sqlite: database or disk is full (SQLite code 13)"
        snapshot.cacheMetrics["file_cache"] = CacheMetrics(
            cacheName: "file_cache",
            hits: 2,
            misses: 5,
            entries: 3,
            failures: 4,
            lastFailure: message
        )
        let grid = render(Fixtures.state(snapshot), size: ScreenSize(width: 200, height: 60))
        // As much of the message as the pane's width holds.
        let row = try #require(grid.lines.firstIndex { $0.contains("failing: file-ID cache write failed") })
        let column = try #require(grid.lines[row].range(of: "failing:")).lowerBound
        let x = grid.lines[row].distance(from: grid.lines[row].startIndex, to: column)
        #expect(grid[x, row].style == Theme(colorEnabled: true).style(.critical))
        // The semantic cache's counters are still there; the file cache's are not.
        #expect(grid.lines.contains { $0.contains("812/1000 entries") })
        #expect(!grid.lines.contains { $0.contains("3 entries") })
        snapshot.cacheMetrics["file_cache"]?.lastFailure = nil
        let recovered = render(Fixtures.state(snapshot), size: ScreenSize(width: 200, height: 60))
        #expect(recovered.lines.contains { $0.contains("3 entries") && $0.contains("4 failed") })
        #expect(!recovered.lines.contains { $0.contains("failing:") })
    }

    @Test("tails are judged against the tool's own p50 unless a rule names the tool; ok% by its thresholds")
    func thresholds() throws {
        let size = ScreenSize(width: 80, height: 24)
        let tools = [
            // An LLM call: slow, but its tail is 2.2× its median.
            Fixtures.tool("llm_chat", calls: 400, p50: 2_000, p95: 4_400, p99: 6_000),
            // A fast tool whose tail grew: 8× and 40× its median.
            Fixtures.tool("lookup", calls: 400, failed: 30, p50: 20, p95: 160, p99: 800),
            // Tiny latencies stay plain whatever the ratio (below the 50 ms floor).
            Fixtures.tool("ping", calls: 400, p50: 0.1, p95: 5, p99: 20),
            Fixtures.tool("search_web", calls: 400, p50: 100, p95: 700, p99: 1_500),
        ]
        var state = Fixtures.state(Fixtures.snapshot(tools: tools), ui: UIState(focus: .errors))
        state.thresholds.rules = [.init(tool: "search_*", server: nil, warningMs: 1_000, criticalMs: 1_200)]
        let grid = render(state, size: size)
        let theme = Theme(colorEnabled: true)
        let columns = LatencyColumns(width: 80, longestName: 10)
        func style(of tool: String, _ column: LatencyColumns.Column) throws -> Style {
            let y = try #require(grid.lines.firstIndex { $0.hasPrefix(" \(tool) ") })
            return grid[column.x + column.width - 1, y].style
        }
        #expect(try style(of: "llm_chat", columns.p95) == theme.text)
        #expect(try style(of: "llm_chat", columns.p99) == theme.text)
        #expect(try style(of: "lookup", columns.p95) == theme.style(.warning))
        #expect(try style(of: "lookup", columns.p99) == theme.style(.critical))
        #expect(try style(of: "ping", columns.p99) == theme.text)
        #expect(try style(of: "search_web", columns.p95) == theme.style(.good))
        #expect(try style(of: "search_web", columns.p99) == theme.style(.critical))
        #expect(try style(of: "lookup", columns.ok) == theme.style(.critical))
        #expect(try style(of: "llm_chat", columns.ok) == theme.text)
    }

    @Test("a glob rule can name the server too")
    func serverRules() {
        let thresholds = LatencyThresholds(rules: [
            .init(tool: "*", server: "github", warningMs: 100, criticalMs: 200),
            .init(tool: "read_[ab]*", server: nil, warningMs: 10, criticalMs: 20),
        ])
        #expect(thresholds.level(latencyMs: 150, p50Ms: 140, tool: "x", server: "github") == .warning)
        #expect(thresholds.level(latencyMs: 150, p50Ms: 140, tool: "x", server: "slack") == .normal)
        #expect(thresholds.level(latencyMs: 15, p50Ms: 14, tool: "read_about", server: "slack") == .warning)
        #expect(thresholds.level(latencyMs: 15, p50Ms: 14, tool: "read_cat", server: "slack") == .normal)
    }
}
