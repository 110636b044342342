import Foundation
import MetricsClient
import MetricsWire

@testable import DashboardUI

/// A fleet read through Prometheus: the three tools merged over five instances, one of them down.
extension Fixtures {
    static func fleet(instances: Int = 5, ui: UIState = UIState()) -> DashboardState {
        var snapshot = Fixtures.snapshot(tools: Fixtures.threeTools, uploads: nil, demo: false)
        snapshot.engine = EngineInfo(name: "prometheus", version: "0.1.0", mode: .fleet, demo: false, filesAPI: "none")
        let members = (0..<instances).map { index in
            FleetInstance(
                instance: "10.0.0.\(11 + index):9109",
                job: "mcp",
                up: index != 2,
                name: ["github", "search", "search", "memory", "github", "time"][index % 6],
                version: "0.1.0",
                inFlight: index % 3,
                activeSessions: 1,
                rssBytes: 31_000_000 + index * 1_250_000,
                uptimeSeconds: 86_400 + Double(index) * 60,
                callsPerSecond: index == 2 ? nil : 4.5 + Double(index),
                errorsPerSecond: index == 2 ? nil : (index == 1 ? 0.25 : 0),
                lastError: index == 2
                    ? "Get \"http://10.0.0.13:9109/metrics\": dial tcp 10.0.0.13:9109: connect: connection refused"
                    : nil
            )
        }
        snapshot.fleet = FleetMetrics(
            prometheus: "http://127.0.0.1:9090",
            selector: "{job=\"mcp\"}",
            windowSeconds: 60,
            scrapeIntervalSeconds: 15,
            queryMs: 12.5,
            callsPerSecond: ["chat": 18.2, "thinkdeep": 4.1, "codereview": 1.2],
            errorsPerSecond: ["chat": 0.1, "thinkdeep": 0.3],
            cacheRates: ["semantic_cache": FleetCacheRates(hitsPerSecond: 7, missesPerSecond: 3)],
            instances: members
        )
        var state = Fixtures.state(snapshot, ui: ui)
        state.mode = .fleet
        state.rateWindow = 60
        state.targets[0] = TargetView(
            id: "127.0.0.1:9090",
            name: "prometheus",
            origin: .fleet,
            connection: .connected,
            snapshot: snapshot,
            receivedAt: Fixtures.now,
            callRates: snapshot.fleet?.callsPerSecond ?? [:],
            history: state.targets[0].history,
            totalCallsPerSecond: 23.5,
            intervalHitRates: ["semantic_cache": 70]
        )
        return state
    }
}

extension Fixtures {
    /// A fleet whose Prometheus has not answered: reconnecting, every pane waiting, no uploads pane.
    static func fleetUnreachable() -> DashboardState {
        let refused = PollError(
            .connectionRefused,
            "connection refused",
            hint: "is Prometheus running? check the --prometheus URL",
            url: "http://127.0.0.1:9090/api/v1/query"
        )
        let connection = ConnectionStatus.reconnecting(attempt: 3, nextTryIn: .seconds(4), error: refused)
        var state = Fixtures.state(nil, connection: connection)
        state.mode = .fleet
        state.targets[0] = TargetView(id: "127.0.0.1:9090", name: "prometheus", origin: .fleet, connection: connection)
        return state
    }
}
