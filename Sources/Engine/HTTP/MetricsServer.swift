import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The metrics endpoint as a running HTTP server: a `Service` to put in a `ServiceGroup`.
///
/// Binds `host:port` (port 0 picks a free one; ``port()`` tells which). A port already in use fails
/// ``run()`` with an ``EndpointBindError`` naming the port and how to choose another.
public final class MetricsServer: Service, Sendable {
    /// The address bound.
    public let host: String
    /// The port asked for (0 = any free port).
    public let requestedPort: Int
    private let endpoint: MetricsEndpoint
    private let logger: Logger
    private let bound = BoundPort()

    /// Creates a server for `endpoint` on `host:port`.
    public init(host: String, port: Int, endpoint: MetricsEndpoint, logger: Logger) {
        self.host = host
        self.requestedPort = port
        self.endpoint = endpoint
        self.logger = logger
    }

    /// Serves until graceful shutdown.
    public func run() async throws {
        let bound = self.bound
        let app = Application(
            responder: endpoint,
            server: .http1(configuration: .init(idleTimeout: .seconds(60))),
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
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            let failure = EndpointBindError(host: host, port: requestedPort, reason: "already in use")
            bound.fail(failure)
            throw failure
        } catch let error as IOError {
            let failure = EndpointBindError(host: host, port: requestedPort, reason: "\(error)")
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

/// The metrics endpoint could not listen on its address.
public struct EndpointBindError: Error, Sendable, CustomStringConvertible {
    /// The address asked for.
    public let host: String
    /// The port asked for.
    public let port: Int
    /// Why it failed.
    public let reason: String

    /// What failed and what to do.
    public var description: String {
        "cannot listen on \(host):\(port) for the metrics endpoint: \(reason); "
            + "pass --port N (or set METRICS_JSON_PORT, 0 picks a free port) to use another"
    }
}

/// A port that becomes known once the server is listening, awaited by whoever needs it.
final class BoundPort: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(any Error)
    }

    private let state = Mutex<State>(.waiting([]))

    func resolve(_ port: Int) {
        finish(.bound(port))
    }

    func fail(_ error: any Error) {
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

    func value() async throws -> Int {
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
