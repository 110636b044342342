import AsyncHTTPClient
import Foundation
import Logging
import MetricsClient
import NIOCore
import ServiceLifecycle

/// One run of `dashboard proxy --http`: listens for the MCP client, relays to the upstream while the
/// observer records, serves the engine's endpoint and discovery file, until SIGTERM or SIGINT.
public enum HTTPProxySession {
    /// The proxy could not listen where it was asked to.
    public struct ListenError: Error, CustomStringConvertible {
        /// What went wrong and what to do.
        public let description: String
    }

    /// Runs the proxy until it is asked to stop; `listening` is called once with the port it listens on.
    public static func run(
        _ settings: HTTPProxySettings,
        runtime: EngineRuntime,
        environment: [String: String],
        logger: Logger,
        listening: @Sendable (Int) -> Void = { _ in }
    ) async throws {
        let observer = ProxyObserver(
            runtime: runtime,
            name: settings.name,
            executable: "http",
            cachedTools: settings.cachedTools
        )
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration(settings))
        let listener = HTTPServerService(
            host: settings.listenHost,
            port: settings.listenPort,
            responder: HTTPProxyResponder(settings: settings, client: client, observer: observer, logger: logger),
            logger: logger
        )
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: listener)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // Streams still open when asked to stop (a client's GET stream lasts as long as its session) are
        // given a moment to end, then cut: stopping never waits on a client.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(1)
        let group = ServiceGroup(configuration: groupConfiguration)
        let serving = Task { try await group.run() }
        let engine = RunningEngine.start(runtime, logger: logger)
        defer { serving.cancel() }
        let port: Int
        do {
            port = try await listener.port()
        } catch {
            await engine.stop(grace: .milliseconds(200))
            try? await client.shutdown()
            let reason = (error as? EndpointBindError)?.reason ?? "\(error)"
            throw ListenError(
                description:
                    "cannot listen on \(settings.listenHost):\(settings.listenPort): \(reason); "
                    + "choose another --listen address (port 0 takes any free one)"
            )
        }
        listening(port)
        let discovery = await ProxySession.announceEndpoint(
            engine,
            name: settings.name,
            executable: "http",
            environment: environment,
            logger: logger
        )
        logger.info(
            "relaying",
            metadata: ["listen": "\(settings.listenHost):\(port)", "upstream": "\(settings.upstream.origin)"]
        )
        _ = try? await serving.value
        await discovery?.remove()
        await engine.stop(grace: .milliseconds(400))
        try? await client.shutdown()
    }

    /// One client for every request: connections are reused; HTTP/1.1 only, with room for every stream a
    /// client keeps open (an HTTP/2 connection would queue streams beyond the server's limit); no
    /// redirects followed, nothing decompressed: the client sees what the upstream sent.
    public static func clientConfiguration(_ settings: HTTPProxySettings) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: settings.connectTimeout.timeAmount),
            decompression: .disabled
        )
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: 4096
        )
        // An upstream that refuses connections is reported at once (502), not retried until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}
