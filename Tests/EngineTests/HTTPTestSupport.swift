import AsyncHTTPClient
import Engine
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A real metrics server on an ephemeral loopback port, for the length of one test.
struct RunningEndpoint {
    let collector: MetricsCollector
    let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>

    var base: String { "http://127.0.0.1:\(port)" }

    static let token = "test-control-token"

    static func start(
        collector: MetricsCollector = MetricsCollector(),
        token: ControlToken? = ControlToken(RunningEndpoint.token),
        health: [HealthCheck] = [],
        actions: ControlActions = .init()
    ) async throws -> RunningEndpoint {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let endpoint = MetricsEndpoint(
            collector: collector,
            token: token,
            health: health,
            actions: actions,
            version: "test"
        )
        let server = MetricsServer(host: "127.0.0.1", port: 0, endpoint: endpoint, logger: logger)
        let group = ServiceGroup(services: [server], logger: logger)
        let task = Task { try await group.run() }
        let port = try await server.port()
        return RunningEndpoint(collector: collector, port: port, group: group, task: task)
    }

    /// Starts a server, runs `body` with it, and awaits its shutdown before returning or rethrowing.
    @discardableResult
    static func with<Result>(
        collector: MetricsCollector = MetricsCollector(),
        token: ControlToken? = ControlToken(RunningEndpoint.token),
        health: [HealthCheck] = [],
        actions: ControlActions = .init(),
        _ body: (RunningEndpoint) async throws -> Result
    ) async throws -> Result {
        let server = try await start(collector: collector, token: token, health: health, actions: actions)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Sends a request and returns status, headers and the whole body.
    func request(
        _ path: String,
        method: HTTPMethod = .GET,
        headers: [(String, String)] = [],
        body: Data? = nil,
        token: String? = nil
    ) async throws -> (status: Int, headers: HTTPHeaders, body: Data) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), response.headers, Data(bytes.readableBytesView))
    }

    /// The `error` object of a JSON error body.
    static func error(_ body: Data) -> (type: String, message: String)? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let error = object["error"] as? [String: Any],
            let type = error["type"] as? String, let message = error["message"] as? String
        else { return nil }
        return (type, message)
    }
}
