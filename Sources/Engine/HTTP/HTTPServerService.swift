import Hummingbird
import Logging
import MetricsWire
import NIOCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP server for `responder` on `host:port`: a `Service` to put in a `ServiceGroup`.
///
/// Binds `host:port` (port 0 picks a free one; ``port()`` tells which). A port already in use fails
/// ``run()`` with an ``EndpointBindError`` naming the port and how to choose another.
public final class HTTPServerService<Responder: HTTPResponder>: Service, Sendable
where Responder.Context: RequestContext, Responder.Context.Source == ApplicationRequestContextSource {
    /// The address bound.
    public let host: String
    /// The port asked for (0 = any free port).
    public let requestedPort: Int
    private let responder: Responder
    private let logger: Logger
    private let receiveBuffer: Int?
    private let bound = BoundPort()

    /// Creates a server for `responder` on `host:port`; with `receiveBuffer`, each connection's socket
    /// receive buffer is that size and it is read a quarter of it at a time, so that what a client sent is
    /// acknowledged, and held, only a little ahead of what the responder has read (as on a slow link).
    public init(host: String, port: Int, responder: Responder, logger: Logger, receiveBuffer: Int? = nil) {
        self.host = host
        self.requestedPort = port
        self.responder = responder
        self.logger = logger
        self.receiveBuffer = receiveBuffer
    }

    /// Serves until graceful shutdown.
    public func run() async throws {
        let bound = self.bound
        let receiveBuffer = self.receiveBuffer
        let app = Application(
            responder: responder,
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: receiveBuffer.map { [ReceiveBufferSize(bytes: $0)] } ?? [],
                    idleTimeout: .seconds(60)
                )
            ),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: requestedPort),
                serverName: nil,
                backlog: 1024
            ),
            onServerRunning: { channel in bound.resolve(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        do {
            try await app.run()
        } catch let error as IOError {
            let reason = error.errnoCode == EADDRINUSE ? "already in use" : "\(error)"
            let failure = EndpointBindError(host: host, port: requestedPort, reason: reason)
            bound.fail(failure)
            throw failure
        } catch {
            bound.fail(error)
            throw error
        }
    }

    /// The port the server listens on, once it does; throws if it could not start.
    public func port() async throws -> Int {
        try await bound.value()
    }
}

/// Sets the connection's socket receive buffer when added (which also turns the kernel's growing of it off),
/// and reads a quarter of it at a time: the parts the server queues for the responder are that small too.
private final class ReceiveBufferSize: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = Never
    let bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    func handlerAdded(context: ChannelHandlerContext) {
        let options = context.channel.syncOptions
        try? options?.setOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(bytes))
        try? options?.setOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: max(1024, bytes / 4)))
    }
}

/// The metrics endpoint as a running HTTP server.
public typealias MetricsServer = HTTPServerService<MetricsEndpoint>

extension HTTPServerService where Responder == MetricsEndpoint {
    /// Creates a server for the metrics endpoint.
    public convenience init(host: String, port: Int, endpoint: MetricsEndpoint, logger: Logger) {
        self.init(host: host, port: port, responder: endpoint, logger: logger)
    }
}

/// The metrics endpoint could not listen on its address.
public struct EndpointBindError: Error, Sendable, CustomStringConvertible {
    /// The address asked for.
    public let host: String
    /// The port asked for.
    public let port: Int
    /// Why it failed.
    public let reason: String

    /// Creates the error for `host:port`.
    public init(host: String, port: Int, reason: String) {
        self.host = host
        self.port = port
        self.reason = reason
    }

    /// What failed and what to do.
    public var description: String {
        "cannot listen on \(host):\(port) for the metrics endpoint: \(reason); "
            + "pass --port N (or set METRICS_JSON_PORT, 0 picks a free port) to use another"
    }
}

/// A port that becomes known once the server is listening, awaited by whoever needs it.
public final class BoundPort: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(any Error)
    }

    private let state = Guarded<State>(.waiting([]))

    /// A port not known yet.
    public init() {}

    /// Makes the port known to everyone waiting and to come.
    public func resolve(_ port: Int) {
        finish(.bound(port))
    }

    /// Fails everyone waiting, and to come, with `error`.
    public func fail(_ error: any Error) {
        finish(.failed(error))
    }

    private func finish(_ result: State) {
        let waiters: [CheckedContinuation<Int, any Error>] = state.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            state = result
            return waiters
        }
        for waiter in waiters {
            switch result {
            case .bound(let port): waiter.resume(returning: port)
            case .failed(let error): waiter.resume(throwing: error)
            case .waiting: break
            }
        }
    }

    /// The port, once known.
    public func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let immediate: Result<Int, any Error>? = state.withLock { state in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .bound(let port): return .success(port)
                case .failed(let error): return .failure(error)
                }
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }
}
