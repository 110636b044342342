import MetricsClient
import MetricsWire
import Testing

@testable import DashboardUI

@Suite("latency table sort and filter")
struct ToolTableTests {
    static let tools = [
        Fixtures.tool("chat", calls: 500, failed: 5, p50: 100, p95: 300, p99: 900),
        Fixtures.tool("analyze", calls: 500, failed: 1, p50: 50, p95: 700, p99: 800),
        Fixtures.tool("ChatGPT_proxy", calls: 20, failed: 9, p50: 10, p95: 20, p99: 30),
        Fixtures.tool("debug", calls: 900, p50: 5, p95: 10, p99: 1_000),
    ]

    func names(_ sortKey: SortKey, filter: String = "", rates: [String: Double] = [:]) -> [String] {
        var state = Fixtures.state(
            Fixtures.snapshot(tools: Self.tools),
            ui: UIState(sortKey: sortKey, filterText: filter)
        )
        state.targets[0].callRates = rates
        return ToolTable.rows(for: state).map(\.name)
    }

    @Test(
        "each key orders rows, ties broken by name",
        arguments: [
            (SortKey.name, ["ChatGPT_proxy", "analyze", "chat", "debug"]),
            (.calls, ["debug", "analyze", "chat", "ChatGPT_proxy"]),
            (.p95, ["analyze", "chat", "ChatGPT_proxy", "debug"]),
            (.p99, ["debug", "chat", "analyze", "ChatGPT_proxy"]),
            (.errors, ["ChatGPT_proxy", "chat", "analyze", "debug"]),
        ]
    )
    func sorting(key: SortKey, expected: [String]) {
        #expect(names(key) == expected)
    }

    @Test("calls/s sorts tools without a rate last")
    func rateSorting() {
        #expect(
            names(.callsPerSecond, rates: ["chat": 2, "debug": 9.5, "analyze": 0]) == [
                "debug", "chat", "analyze", "ChatGPT_proxy",
            ]
        )
    }

    @Test("the filter is a case-insensitive substring of the name")
    func filtering() {
        #expect(names(.name, filter: "chat") == ["ChatGPT_proxy", "chat"])
        #expect(names(.name, filter: "PROXY") == ["ChatGPT_proxy"])
        #expect(names(.name, filter: "zzz") == [])
        #expect(ToolTable.matches("anything", filter: ""))
    }

    @Test("no snapshot, no rows")
    func empty() {
        #expect(ToolTable.rows(for: DashboardState()).isEmpty)
    }

    @Test("errors are listed by count with their share of the tool's calls")
    func errorRows() {
        let snapshot = Fixtures.snapshot(tools: Fixtures.threeTools)
        let rows = ErrorRow.rows(for: snapshot)
        #expect(
            rows.map { "\($0.tool)/\($0.type)/\($0.count)" } == [
                "thinkdeep/provider_error/22", "chat/timeout/4", "chat/rate_limited/3",
            ]
        )
        #expect(abs(rows[0].share - 22.0 * 100 / 310) < 1e-9)
        #expect(ErrorRow.rows(for: nil).isEmpty)
    }

    /// Three targets with the same tools, whose errors tie on counts within and across targets.
    static func tiedTargets() -> DashboardState {
        let targets = ["beta", "alpha", "beta"].enumerated().map { index, name in
            let tools = ["zeta", "eta", "theta", "iota"].enumerated().map { number, tool in
                Fixtures.tool(
                    tool,
                    calls: 100,
                    failed: 6,
                    p50: 10,
                    p95: 20,
                    p99: 30,
                    errors: ["timeout": 3, "rate_limited": number % 2 == 0 ? 3 : 2, "boom": index == 1 ? 1 : 0]
                )
            }
            return TargetView(id: "127.0.0.1:\(9400 - index)", name: name, snapshot: Fixtures.snapshot(tools: tools))
        }
        return DashboardState(targets: targets, mode: .local, now: Fixtures.now)
    }

    @Test("rows of several targets with the same names: by name, then server, then id")
    func sharedNames() {
        let rows = ToolTable.rows(for: Self.tiedTargets())
        #expect(rows.count == 12)
        #expect(
            rows.prefix(3).map { "\($0.name)@\($0.server)/\($0.target)" } == [
                "eta@alpha/127.0.0.1:9399", "eta@beta/127.0.0.1:9398", "eta@beta/127.0.0.1:9400",
            ]
        )
        #expect(rows.map(\.name) == rows.map(\.name).sorted())
    }

    @Test("any leading slice of the errors is the slice of the whole order", arguments: [1, 2, 5, 8, 13, 20, 28, 30])
    func errorSlices(end: Int) {
        let state = Self.tiedTargets()
        // The whole order, spelled out: count, then target order, tool name, type name.
        var expected: [(target: Int, row: ErrorRow)] = []
        for (index, target) in state.targets.enumerated() {
            for (tool, metrics) in target.snapshot!.toolMetrics {
                for (type, count) in metrics.errorTypes where count > 0 {
                    let row = ErrorRow(tool: tool, server: target.name, type: type, count: count, share: Double(count))
                    expected.append((index, row))
                }
            }
        }
        expected.sort { left, right in
            if left.row.count != right.row.count { return left.row.count > right.row.count }
            if left.target != right.target { return left.target < right.target }
            if left.row.tool != right.row.tool { return left.row.tool < right.row.tool }
            return left.row.type < right.row.type
        }
        let table = ErrorTable(state)
        #expect(table.count == 28)
        #expect(table.failedCalls == expected.reduce(0) { $0 + $1.row.count })
        for start in [0, 1, end / 2] where start < end {
            let rows = table.rows(start..<end)
            #expect(
                rows.map { "\($0.server)/\($0.tool)/\($0.type)/\($0.count)" }
                    == expected[start..<min(end, expected.count)].map {
                        "\($0.row.server)/\($0.row.tool)/\($0.row.type)/\($0.row.count)"
                    }
            )
        }
    }
}
