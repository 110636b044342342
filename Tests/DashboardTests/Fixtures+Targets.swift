import Foundation
import MetricsClient
import MetricsWire

@testable import DashboardUI

/// Deterministic states with many targets: proxies with calls in flight and failures, a serve engine
/// that uploads, a Python-original-shaped server, one reconnecting and one that ended.
extension Fixtures {
    static let serverNames = ["github", "filesystem", "time", "search", "engine", "python-orig", "slack", "memory"]

    /// `count` targets (up to 8) of `toolsEach` tools each.
    static func manyTargets(count: Int, toolsEach: Int, ui: UIState = UIState()) -> DashboardState {
        var targets: [TargetView] = []
        for index in 0..<min(count, serverNames.count) {
            let name = serverNames[index]
            let id = "127.0.0.1:\(9301 + index)"
            let tools = (0..<toolsEach).map { number -> ToolMetrics in
                let calls = (index * 131 + number * 977) % 3_000 + 20
                let failed = number % 4 == 1 ? calls / 25 : 0
                let p50 = Double((index * 17 + number * 29) % 400 + 3)
                let constant = name == "python-orig"
                return tool(
                    toolName(number, server: name),
                    calls: calls,
                    failed: failed,
                    p50: p50,
                    p95: constant ? p50 : p50 * (number % 5 == 0 ? 12 : 2.5),
                    p99: constant ? p50 : p50 * (number % 5 == 0 ? 20 : 4),
                    errors: failed > 0 ? [number % 8 == 1 ? "tool_error" : "internal_error": failed] : [:]
                )
            }
            var snapshot = Fixtures.snapshot(
                tools: tools,
                uploads: name == "engine" ? Fixtures.uploads : nil,
                demo: false
            )
            switch name {
            case "engine":
                snapshot.engine?.mode = .serve
            case "python-orig":
                snapshot.engine = nil
                snapshot.cacheMetrics = [:]
            default:
                snapshot.engine?.mode = .proxy
                snapshot.cacheMetrics = index == 0 ? ["semantic_cache": Fixtures.caches["semantic_cache"]!] : [:]
                snapshot.mcp = mcp(server: name, index: index, tools: tools)
            }
            var rates: [String: Double] = [:]
            var history: [String: ToolHistory] = [:]
            for (number, tool) in tools.enumerated() {
                rates[tool.toolName] = Double((tool.totalCalls + index) % 50) / 10
                history[tool.toolName] = ToolHistory(
                    p95: (0..<60).map { step in tool.p95LatencyMs * (0.7 + Double((step + number) % 7) / 20) },
                    callRate: (0..<60).map { step in Double((step + number + index) % 6) }
                )
            }
            let connection: ConnectionStatus =
                name == "slack"
                ? .reconnecting(
                    attempt: 2,
                    nextTryIn: .seconds(3),
                    error: PollError(.connectionRefused, "connection refused")
                )
                : .connected
            targets.append(
                TargetView(
                    id: id,
                    name: name,
                    origin: name == "engine" || name == "python-orig" ? .attached : .local,
                    connection: connection,
                    endedAt: name == "memory" ? now.addingTimeInterval(-2) : nil,
                    snapshot: snapshot,
                    receivedAt: now.addingTimeInterval(-0.5),
                    callRates: rates,
                    history: history,
                    totalCallsPerSecond: rates.values.reduce(0, +),
                    intervalHitRates: index == 0 ? ["semantic_cache": 64] : [:]
                )
            )
        }
        return DashboardState(targets: targets, mode: .local, ui: ui, now: now, clockZone: .utc)
    }

    static func toolName(_ number: Int, server: String) -> String {
        let verbs = ["search", "read", "list", "get", "create", "update", "delete", "run", "fetch", "convert"]
        return
            "\(verbs[number % verbs.count])_\(server.prefix(4))\(number >= verbs.count ? "_\(number / verbs.count)" : "")"
    }

    static func mcp(server: String, index: Int, tools: [ToolMetrics]) -> MCPMetrics {
        let first = tools.first?.toolName ?? "tool"
        let second = tools.dropFirst().first?.toolName ?? first
        return MCPMetrics(
            server: MCPServerStatus(
                name: server,
                executable: "npx",
                pid: 4_100 + index,
                running: true,
                protocolVersion: "2025-11-25"
            ),
            inFlight: index % 2 == 0
                ? [
                    InFlightCall(
                        id: "\(index)1",
                        method: "tools/call",
                        tool: first,
                        elapsedMs: 12_400 + Double(index) * 100,
                        progress: 37,
                        total: 100,
                        message: "indexing files"
                    ),
                    InFlightCall(id: "\(index)2", method: "tools/call", tool: second, elapsedMs: 850),
                ]
                : [InFlightCall(id: "\(index)3", method: "sampling/createMessage", fromServer: true, elapsedMs: 2_300)],
            inFlightCount: index % 2 == 0 ? 2 : 1,
            recentFailures: [
                CallFailure(
                    time: now.timeIntervalSince1970 - Double(10 * index + 5),
                    method: "tools/call",
                    tool: second,
                    errorType: "tool_error",
                    message: "repository not found: acme/\(server)",
                    latencyMs: 120
                ),
                CallFailure(
                    time: now.timeIntervalSince1970 - Double(10 * index + 65),
                    method: "tools/call",
                    tool: first,
                    errorType: "internal_error",
                    message: "upstream timed out after 30s",
                    latencyMs: 30_000
                ),
            ],
            toolAnnotations: [
                first: ToolAnnotations(
                    title: "Search",
                    readOnlyHint: true,
                    destructiveHint: false,
                    idempotentHint: true,
                    openWorldHint: true
                )
            ]
        )
    }

    /// One proxy with one tool opened in the detail view: a window histogram and three minutes of history.
    static func detailState(size: Int = 180, ui: UIState = UIState()) -> DashboardState {
        var state = manyTargets(count: 1, toolsEach: 3, ui: ui)
        let tool = state.targets[0].snapshot!.toolMetrics.keys.sorted()[0]
        var metrics = state.targets[0].snapshot!.toolMetrics[tool]!
        metrics.windowHistogram = LatencyBuckets(
            upperBoundsMs: LatencyBuckets.standardBoundsMs,
            counts: [0, 0, 0, 0, 0, 0, 3, 20, 61, 140, 210, 180, 90, 40, 9, 2, 0, 0, 0, 0, 0, 0, 0, 0]
        )
        metrics.lifetime = LifetimePercentiles(p50Ms: 21, p95Ms: 160, p99Ms: 410, p999Ms: 980)
        state.targets[0].snapshot!.toolMetrics[tool] = metrics
        var history = ToolHistory()
        for step in 0..<size {
            let wave = Double((step * 13) % 29) / 29
            history.time.append(now.timeIntervalSince1970 - Double(size - step))
            history.p50.append(20 + 8 * wave)
            history.p95.append(120 + 60 * wave + (step > size - 30 ? 200 : 0))
            history.p99.append(300 + 150 * wave + (step > size - 30 ? 400 : 0))
            history.calls.append(Double(step * 5 + (step * 7) % 3))
            history.failed.append(Double(step / 20))
        }
        state.targets[0].history[tool] = history
        state.ui.detail = ToolKey(target: state.targets[0].id, tool: tool)
        return state
    }

    /// One proxy in front of a 2026-07-28 server: a tool whose calls take several rounds (one running its
    /// second round now, one waiting for the user's input), and a listen stream open.
    static func modernProxy(ui: UIState = UIState()) -> DashboardState {
        var state = manyTargets(count: 1, toolsEach: 4, ui: ui)
        var snapshot = state.targets[0].snapshot!
        let tool = snapshot.toolMetrics.keys.sorted()[0]
        let calls = snapshot.toolMetrics[tool]!.totalCalls
        snapshot.toolMetrics[tool]?.rounds = CallRounds(
            rounds: 2 * calls + 3,
            multiRoundCalls: calls,
            inputWaitMs: 4_200_000,
            abandonedCalls: 1
        )
        snapshot.mcp?.server.protocolVersion = nil
        snapshot.mcp?.server.supportedVersions = ["2026-07-28"]
        snapshot.mcp?.requestsByVersion = ["2026-07-28": 1_200]
        snapshot.mcp?.inFlight[1].round = 2
        snapshot.mcp?.awaitingInput = 1
        snapshot.mcp?.streams = MCPStreams(
            opened: 3,
            closed: 2,
            closedAbruptly: 1,
            closedDurationMs: 90_000,
            maxDurationMs: 60_000,
            events: ["notifications/subscriptions/acknowledged": 3, "notifications/tools/list_changed": 4],
            openCount: 1,
            open: [OpenStream(kind: "subscriptions/listen", id: "\"listen-1\"", elapsedMs: 184_000, events: 3)]
        )
        state.targets[0].snapshot = snapshot
        return state
    }
}
