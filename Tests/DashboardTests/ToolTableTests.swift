import MetricsClient
import Testing

@testable import Dashboard

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
}
