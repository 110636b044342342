import AsyncHTTPClient
import Engine
import Foundation
import Hummingbird
import Logging
import MCPProxy
import MetricsClient
import MetricsWire
import NIOCore
import ServiceLifecycle

/// A real HTTP proxy in front of a real Hummingbird upstream of the test's own, both on loopback ports,
/// and a client to talk to the proxy with.
struct HTTPProxyHarness: Sendable {
    let proxyURL: String
    let upstreamPort: Int
    let collector: MetricsCollector
    let client: HTTPClient

    /// The snapshot of what the proxy recorded.
    func snapshot() -> MetricsSnapshot { collector.snapshot(maxAge: .zero) }

    /// The tool's figures, waiting up to `timeout` for `calls` of them.
    func tool(_ name: String, calls: Int = 1, timeout: Duration = .seconds(5)) async -> ToolMetrics? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let tool = snapshot().toolMetrics[name], tool.totalCalls >= calls { return tool }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return snapshot().toolMetrics[name]
    }

    /// The protocol issues counted so far, waiting up to `timeout` for `issue` to be among them: the proxy
    /// writes an answer's last bytes to the client before it reads them itself.
    func protocolIssues(waitingFor issue: String, timeout: Duration = .seconds(5)) async -> [String: Int] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let issues = snapshot().mcp?.protocolIssues, issues[issue] != nil { return issues }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return snapshot().mcp?.protocolIssues ?? [:]
    }

    /// Runs `body` with a proxy in front of `router` (or of `upstreamPort`, a closed port by default,
    /// when `router` is nil).
    static func with(
        upstream router: Router<BasicRequestContext>?,
        upstreamPort fixedPort: Int = 1,
        responseTimeout: Duration = .seconds(30),
        _ body: (HTTPProxyHarness) async throws -> Void
    ) async throws {
        let logger = Logger(label: "http-proxy-test")
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        var upstreamPort = fixedPort
        let upstream = router.map {
            HTTPServerService(host: "127.0.0.1", port: 0, responder: $0.buildResponder(), logger: logger)
        }
        if let upstream { services.append(.init(service: upstream)) }
        let collector = MetricsCollector()
        let observer = ProxyObserver(
            collector: collector,
            server: MCPServerStatus(name: "upstream", executable: "http", running: true),
            sessionsByID: true
        )
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: logger))
        let upstreamTask = Task { try await group.run() }
        if let upstream { upstreamPort = try await upstream.port() }
        let settings = HTTPProxySettings(
            name: "upstream",
            upstream: try UpstreamURL("http://127.0.0.1:\(upstreamPort)/mcp"),
            responseTimeout: responseTimeout,
            connectTimeout: .seconds(2)
        )
        let proxy = try HTTPProxyServer(settings: settings, observer: observer, logger: logger)
        let proxyGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: proxy)], logger: logger)
        )
        let proxyTask = Task { try await proxyGroup.run() }
        let proxyPort = try await proxy.port()
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool = .init(
            idleTimeout: .seconds(30),
            concurrentHTTP1ConnectionsPerHostSoftLimit: 1000
        )
        clientConfiguration.httpVersion = .http1Only
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let harness = HTTPProxyHarness(
            proxyURL: "http://127.0.0.1:\(proxyPort)",
            upstreamPort: upstreamPort,
            collector: collector,
            client: client
        )
        do {
            try await body(harness)
        } catch {
            try? await client.shutdown()
            await stop(proxyGroup, proxyTask, upstream: group, upstreamTask)
            throw error
        }
        try await client.shutdown()
        await stop(proxyGroup, proxyTask, upstream: group, upstreamTask)
    }

    private static func stop(
        _ proxy: ServiceGroup,
        _ proxyTask: Task<Void, any Error>,
        upstream: ServiceGroup,
        _ upstreamTask: Task<Void, any Error>
    ) async {
        await proxy.triggerGracefulShutdown()
        await upstream.triggerGracefulShutdown()
        let deadline = Task {
            try await Task.sleep(for: .seconds(2))
            proxyTask.cancel()
            upstreamTask.cancel()
        }
        _ = try? await proxyTask.value
        _ = try? await upstreamTask.value
        deadline.cancel()
    }

    /// A `tools/call` request body.
    static func call(_ id: Int, _ tool: String) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":{}}}"#
    }

    /// A POST of `body` to the proxy, as MCP clients send it.
    func post(_ body: String, path: String = "/mcp", headers: [(String, String)] = []) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: proxyURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        return request
    }
}
