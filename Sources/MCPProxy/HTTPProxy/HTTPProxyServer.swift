import Engine
import Logging
import MetricsWire
import NIOCore
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The listening side of `dashboard proxy --http`: a `Service` that accepts MCP clients on
/// `settings.listenHost:listenPort` and relays each connection's requests upstream (``ProxyConnection``).
///
/// On graceful shutdown it stops accepting, lets idle connections go and answers in progress end, and
/// after ``shutdownGrace`` closes what is still open (a client's GET stream lasts as long as its
/// session): stopping never waits on a client.
public final class HTTPProxyServer: Service, Sendable {
    /// How long answers in progress have to end once the proxy is asked to stop.
    public static let shutdownGrace: Duration = .seconds(1)
    private let shared: HTTPProxyShared
    private let bound = BoundPort()
    private let children = Guarded<[ObjectIdentifier: any Channel]>([:])

    /// Creates the server; throws when the TLS context for an `https` upstream cannot be made.
    public init(
        settings: HTTPProxySettings,
        observer: ProxyObserver,
        logger: Logger,
        recorder: MessageRecorder? = nil
    ) throws {
        self.shared = try HTTPProxyShared(settings: settings, observer: observer, logger: logger, recorder: recorder)
    }

    /// Serves until graceful shutdown (or cancellation).
    public func run() async throws {
        let settings = shared.settings
        let listener: any Channel
        do {
            listener = try await bootstrap().bind(host: settings.listenHost, port: settings.listenPort).get()
        } catch {
            let reason = (error as? IOError)?.errnoCode == EADDRINUSE ? "already in use" : "\(error)"
            let failure = EndpointBindError(host: settings.listenHost, port: settings.listenPort, reason: reason)
            bound.fail(failure)
            throw failure
        }
        bound.resolve(listener.localAddress?.port ?? 0)
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await listener.closeFuture.get()
            } onGracefulShutdown: {
                listener.close(promise: nil)
            }
        } onCancel: {
            listener.close(promise: nil)
        }
        let open = children.withLock { Array($0.values) }
        for child in open { child.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        let deadline = ContinuousClock.now + Self.shutdownGrace
        while ContinuousClock.now < deadline, !children.withLock({ $0.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for child in children.withLock({ Array($0.values) }) { child.close(promise: nil) }
    }

    /// The port the proxy listens on, once it does; throws if it could not start.
    public func port() async throws -> Int {
        try await bound.value()
    }

    private func bootstrap() -> ServerBootstrap {
        let shared = self.shared
        return ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    // The relay reads and writes HTTP/1 itself, as bytes (`ProxyConnection`).
                    try channel.pipeline.syncOperations.addHandler(ProxyConnection(shared: shared))
                }
            }
    }

    private func track(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        children.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            _ = children.withLock { $0.removeValue(forKey: key) }
        }
    }
}
