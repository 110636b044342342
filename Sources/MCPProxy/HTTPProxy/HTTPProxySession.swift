import Engine
import Foundation
import Logging
import MetricsWire
import NIOCore
import ServiceLifecycle

/// One run of `dashboard proxy --http`: listens for the MCP client, relays to the upstream while the
/// observer records, serves the engine's endpoint and discovery file, until SIGTERM, SIGINT or SIGHUP.
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
        spans: (any SpanSink)? = nil,
        messages: MessageLog? = nil,
        recorder: MessageRecorder? = nil,
        listening: @Sendable (Int) -> Void = { _ in }
    ) async throws {
        let observer = ProxyObserver(
            runtime: runtime,
            name: settings.name,
            executable: "http",
            cachedTools: settings.cachedTools,
            sessionsByID: true,
            spans: spans,
            messages: messages,
            toolPolicy: settings.toolPolicy
        )
        let listener = try HTTPProxyServer(settings: settings, observer: observer, logger: logger, recorder: recorder)
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: listener)],
            // SIGHUP too: a proxy started in a terminal that closes removes its discovery file, as the stdio
            // proxy does.
            gracefulShutdownSignals: [.sigterm, .sigint, .sighup],
            logger: logger
        )
        // The server cuts what is still open after its own grace; this is only the backstop.
        groupConfiguration.maximumGracefulShutdownDuration = HTTPProxyServer.shutdownGrace * 2
        let group = ServiceGroup(configuration: groupConfiguration)
        let serving = Task { try await group.run() }
        let engine = RunningEngine.start(runtime, logger: logger)
        defer { serving.cancel() }
        let port: Int
        do {
            port = try await listener.port()
        } catch {
            await engine.stop(grace: .milliseconds(200))
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
        discovery?.remove()
        await engine.stop(grace: .milliseconds(400))
    }
}
