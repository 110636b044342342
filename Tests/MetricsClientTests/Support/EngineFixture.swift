import Engine
import Logging
import ServiceLifecycle

/// The engine's real metrics endpoint on an ephemeral loopback port, for the length of one test.
struct EngineFixture {
    static let token = "client-test-token"

    let collector: MetricsCollector
    let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>

    var address: String { "127.0.0.1:\(port)" }

    static func start(
        collector: MetricsCollector = MetricsCollector(),
        token: ControlToken? = ControlToken(EngineFixture.token),
        actions: ControlActions = .init(),
        port: Int = 0
    ) async throws -> EngineFixture {
        var logger = Logger(label: "client-test")
        logger.logLevel = .critical
        let endpoint = MetricsEndpoint(collector: collector, token: token, actions: actions, version: "test")
        let server = MetricsServer(host: "127.0.0.1", port: port, endpoint: endpoint, logger: logger)
        let group = ServiceGroup(services: [server], logger: logger)
        let task = Task { try await group.run() }
        let port = try await server.port()
        return EngineFixture(collector: collector, port: port, group: group, task: task)
    }

    /// Starts an engine, runs `body` with it, and awaits its shutdown before returning or rethrowing.
    @discardableResult
    static func with<Result>(
        collector: MetricsCollector = MetricsCollector(),
        token: ControlToken? = ControlToken(EngineFixture.token),
        actions: ControlActions = .init(),
        port: Int = 0,
        _ body: (EngineFixture) async throws -> Result
    ) async throws -> Result {
        let engine = try await start(collector: collector, token: token, actions: actions, port: port)
        do {
            let result = try await body(engine)
            await engine.stop()
            return result
        } catch {
            await engine.stop()
            throw error
        }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
