import Foundation
import Logging
import MetricsWire
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One PostgreSQL database that replicas share their caches through (DESIGN §21): the file-ID cache's
/// ``SharedFileIDs`` and the response cache's second level, ``SharedResponses``.
///
/// It is an optimisation, so it is never in the way. Every operation has a deadline (``timeout``, 50 ms by
/// default) and gives up with `nil` when the store is down, slow, refusing the login or full; the caller then
/// uses its local cache. After a failure the store is *unreachable*: operations are skipped at once (no call
/// waits for a dead store), ``run()`` reconnects with backoff, and the first success makes it ready again.
/// Each change of state is logged once and tells `/health` (``healthCheck``).
///
/// One connection is kept (postgres-nio queues the queries of concurrent callers on it). The schema is
/// created and migrated on every connect, under an advisory lock (``SharedStoreSchema``).
public final class SharedStore: Sendable {
    /// Where the store is; its ``SharedStoreURL/description`` is what is ever shown.
    public let url: SharedStoreURL
    /// How long an operation may take before the local cache is used instead.
    public let timeout: Duration
    /// How long connecting (and migrating) may take.
    public let connectTimeout: Duration
    private let logger: Logger
    private let signal: HealthSignal?
    private let state = Guarded(State())
    private let eventLoop: any EventLoop

    /// The store's state, as `/health` and the Caches pane show it.
    public enum Status: Sendable, Equatable {
        /// Not connected yet.
        case connecting
        /// Connected, and the last operation worked.
        case ready
        /// Down, slow, refusing or full: the local caches answer alone. The reason is for people.
        case unreachable(String)

        /// `connecting`, `ready` or `unreachable`, as the wire's `store_state`.
        public var name: String {
            switch self {
            case .connecting: "connecting"
            case .ready: "ready"
            case .unreachable: "unreachable"
            }
        }
    }

    private struct State {
        var connection: PostgresConnection?
        var status = Status.connecting
        var connectionID = 0
        var timeouts = 0
        var failures = 0
        var lastProblem: String?
    }

    /// A store at `url`. Nothing connects until ``run()`` runs.
    public init(
        url: SharedStoreURL,
        timeout: Duration = .milliseconds(50),
        connectTimeout: Duration = .seconds(10),
        healthSignal: HealthSignal? = nil,
        logger: Logger
    ) {
        self.url = url
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.signal = healthSignal
        self.logger = logger
        self.eventLoop = MultiThreadedEventLoopGroup.singleton.any()
    }

    /// The current state.
    public var status: Status { state.withLock { $0.status } }

    /// Operations that gave up at their deadline since the start.
    public var timeouts: Int { state.withLock { $0.timeouts } }

    /// Operations the server refused on their own (the store stayed usable) since the start.
    public var failures: Int { state.withLock { $0.failures } }

    /// Why the store was last unreachable, even if it is ready again; `nil` if it never was.
    public var lastProblem: String? { state.withLock { $0.lastProblem } }

    /// Waits until the first connection attempt ended (ready or unreachable), at most `limit`: a short
    /// command (`dashboard upload`) asks the store from its first file.
    public func settled(within limit: Duration) async {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while status == .connecting, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Connects, and reconnects with backoff (0.25 s doubling to 30 s) whenever the connection is lost or an
    /// operation failed, until cancelled; then closes the connection.
    public func run() async {
        var backoff = Duration.milliseconds(250)
        while !Task.isCancelled {
            let (connection, status) = state.withLock { ($0.connection, $0.status) }
            if let connection, !connection.isClosed, status == .ready {
                backoff = .milliseconds(250)
                try? await Task.sleep(for: .milliseconds(250))
                continue
            }
            if let connection, !connection.isClosed {
                // Connected but an operation failed (a timeout): probe before trusting it again.
                if await probe(connection) {
                    backoff = .milliseconds(250)
                    continue
                }
            }
            if connection?.isClosed == true, status == .ready {
                // Lost (the server shut down or restarted, the network failed): not ready while reconnecting.
                set(.unreachable("the connection was closed; reconnecting"))
            }
            await connect()
            if isReady {
                backoff = .milliseconds(250)
            } else {
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(30))
            }
        }
        let connection = state.withLock { state -> PostgresConnection? in
            defer { state.connection = nil }
            return state.connection
        }
        try? await connection?.close()
    }

    private var isReady: Bool { state.withLock { $0.status == .ready } }

    private func connect() async {
        let old = state.withLock { state -> PostgresConnection? in
            defer { state.connection = nil }
            state.connectionID += 1
            return state.connection
        }
        if let old { try? await old.close() }
        let id = state.withLock { $0.connectionID }
        let configuration: PostgresConnection.Configuration
        do {
            configuration = try makeConfiguration()
        } catch {
            set(.unreachable("TLS could not be set up: \(error)"))
            return
        }
        let logger = self.logger
        let eventLoop = self.eventLoop
        let open: @Sendable () async throws -> PostgresConnection = {
            try await Self.withNewConnection(configuration, id: id, on: eventLoop, logger: logger, closingAfter: false)
            {
                try await SharedStoreSchema.migrate($0, logger: logger)
                return $0
            }
        }
        let outcome = await Self.withDeadline(connectTimeout, on: eventLoop, late: { try? await $0.close() }, open)
        switch outcome {
        case .success(let connection)?:
            state.withLock { $0.connection = connection }
            set(.ready)
        case .failure(let error)?:
            set(.unreachable(Self.reason(error)))
        case nil:
            set(.unreachable("no connection within \(connectTimeout)"))
        }
    }

    private func probe(_ connection: PostgresConnection) async -> Bool {
        let logger = self.logger
        let outcome = await Self.withDeadline(max(timeout, .milliseconds(500)), on: eventLoop) {
            try await connection.query("SELECT 1", logger: logger).collect().count
        }
        if case .success? = outcome {
            set(.ready)
            return true
        }
        return false
    }

    private func makeConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch url.tls {
        case .disable: tls = .disable
        case .prefer, .require:
            // As libpq's: encrypted, but the certificate is not verified (a server's self-signed one passes).
            var unverified = TLSConfiguration.makeClientConfiguration()
            unverified.certificateVerification = .none
            let context = try NIOSSLContext(configuration: unverified)
            tls = url.tls == .prefer ? .prefer(context) : .require(context)
        case .verifyFull: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host,
            port: url.port,
            username: url.user,
            password: url.password,
            database: url.database,
            tls: tls
        )
        configuration.options.connectTimeout = .nanoseconds(Int64(connectTimeout / .nanoseconds(1)))
        return configuration
    }

    /// What an operation is, for what its failure means.
    enum Operation: Sendable {
        /// A lookup someone waits for: a timeout makes the store unreachable (no one waits for it again
        /// until it answers).
        case lookup(String)
        /// A write (or a sweep): it may take longer (`deadline`), and a timeout only loses it.
        case write(String)

        var name: String {
            switch self {
            case .lookup(let name), .write(let name): name
            }
        }
    }

    /// Runs `body` on the connection within ``timeout`` (or `deadline`); `nil` when the store is not ready,
    /// the body failed or the deadline passed. A lost connection, or a lookup past its deadline, makes the
    /// store unreachable until ``run()`` sees it answer again; an error of the one statement (a value the
    /// server refuses, a full disk) fails only that operation.
    ///
    /// While the first connection is still being made, the operation waits for it within its deadline
    /// (`waitingForConnection` instead, for writes nobody waits for: the first results of a new replica are
    /// shared too).
    func perform<T: Sendable>(
        _ operation: Operation,
        deadline: Duration? = nil,
        waitingForConnection: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async -> T? {
        var timeout = deadline ?? self.timeout
        if status == .connecting {
            let clock = ContinuousClock()
            let started = clock.now
            await settled(within: waitingForConnection ?? timeout)
            if waitingForConnection == nil { timeout -= clock.now - started }
        }
        let connection = state.withLock { $0.status == .ready ? $0.connection : nil }
        guard let connection, timeout > .zero else { return nil }
        let logger = self.logger
        switch await Self.withDeadline(timeout, on: eventLoop, { try await body(connection, logger) }) {
        case .success(let value)?:
            return value
        case .failure(let error)?:
            let reason = "\(operation.name) failed: \(Self.reason(error))"
            if Self.isStatementError(error) {
                state.withLock { $0.failures += 1 }
                logger.debug("shared store operation failed", metadata: ["store": "\(url)", "reason": "\(reason)"])
            } else {
                set(.unreachable(reason))
            }
            return nil
        case nil:
            state.withLock { $0.timeouts += 1 }
            if case .lookup = operation {
                set(.unreachable("\(operation.name) took longer than \(Self.milliseconds(timeout))"))
            }
            return nil
        }
    }

    /// Whether `error` is the server refusing one statement (a constraint, a bad value, a full disk), as
    /// opposed to the connection or the server going away (SQLSTATE classes 08 and 57P).
    static func isStatementError(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return !state.hasPrefix("08") && !state.hasPrefix("57P")
    }

    /// Runs `body` on a connection of its own, opened for it and closed after, within `deadline`: long work
    /// (the sweep) never queues the lookups behind it. `nil` when it could not connect or did not finish.
    func withOwnConnection<T: Sendable>(
        _ operation: String,
        deadline: Duration,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async -> T? {
        guard status == .ready, let configuration = try? makeConfiguration() else { return nil }
        let logger = self.logger
        let eventLoop = self.eventLoop
        let id = state.withLock { state -> Int in
            state.connectionID += 1
            return state.connectionID
        }
        let work: @Sendable () async throws -> T = {
            try await Self.withNewConnection(configuration, id: id, on: eventLoop, logger: logger, closingAfter: true) {
                try await body($0, logger)
            }
        }
        switch await Self.withDeadline(deadline, on: eventLoop, work) {
        case .success(let value)?: return value
        case .failure(let error)?:
            logger.debug("shared store \(operation) failed", metadata: ["reason": "\(Self.reason(error))"])
            return nil
        case nil: return nil
        }
    }

    private func set(_ status: Status) {
        // Logged and signalled when the kind changes (ready, unreachable), not for each new reason.
        let changed = state.withLock { state -> Bool in
            defer { state.status = status }
            if case .unreachable(let reason) = status { state.lastProblem = reason }
            return state.status.name != status.name
        }
        guard changed else { return }
        switch status {
        case .ready: logger.info("shared store ready", metadata: ["store": "\(url)"])
        case .unreachable(let reason):
            logger.warning(
                "shared store unreachable; the local caches answer alone",
                metadata: ["store": "\(url)", "reason": "\(reason)"]
            )
        case .connecting: break
        }
        signal?.changed()
    }

    /// A `/health` check named `name`: fails while the store is unreachable.
    public func healthCheck(name: String) -> HealthCheck {
        HealthCheck(name: name) { [self] in
            switch status {
            case .ready: return .init(ok: true, detail: "\(url) ready")
            // Not a failure yet: a replica starting up is healthy while its first connection is made.
            case .connecting: return .init(ok: true, detail: "\(url) connecting")
            case .unreachable(let reason):
                return .init(ok: false, detail: "shared store unreachable (\(url)): \(reason)")
            }
        }
    }

    /// Opens a connection and runs `body` on it. The connection is closed when `body` throws, and after it
    /// with `closingAfter` (else `body` keeps it).
    private static func withNewConnection<T: Sendable>(
        _ configuration: PostgresConnection.Configuration,
        id: Int,
        on eventLoop: any EventLoop,
        logger: Logger,
        closingAfter: Bool,
        _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PostgresConnection.connect(
            on: eventLoop,
            configuration: configuration,
            id: id,
            logger: logger
        )
        do {
            let result = try await body(connection)
            if closingAfter { try? await connection.close() }
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// What went wrong, for people, without anything the error may carry of queries, binds or the password:
    /// the server's own message (e.g. `password authentication failed for user "dash"`), or what the
    /// connection met.
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let code = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return message + code
            }
            if let underlying = error.underlying { return reason(underlying) }
            return "\(error.code)"
        }
        if let error = error as? NIOConnectionError {
            if let failure = error.connectionErrors.first {
                return "cannot connect to \(error.host):\(error.port): \(reason(failure.error))"
            }
            if error.dnsAError != nil || error.dnsAAAAError != nil {
                return "cannot resolve \(error.host)"
            }
            return "cannot connect to \(error.host):\(error.port)"
        }
        if let error = error as? SharedStoreSchema.Problem { return error.description }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connect timed out" }
        return String(describing: type(of: error))
    }

    static func milliseconds(_ duration: Duration) -> String {
        "\(Int((duration / .milliseconds(1)).rounded())) ms"
    }

    /// Runs `body`, giving up after `timeout`: `nil` then (the body goes on, and its result is dropped).
    /// `late` gets a value that came after the deadline (a connection, to close).
    static func withDeadline<T: Sendable>(
        _ timeout: Duration,
        on eventLoop: any EventLoop,
        late: (@Sendable (T) async -> Void)? = nil,
        _ body: @escaping @Sendable () async throws -> T
    ) async -> Result<T, any Error>? {
        let slot = OneShot<Result<T, any Error>?>()
        // Cancelled (a shutdown): give up at once, as at the deadline.
        return await withTaskCancellationHandler {
            await waitForResult(slot, timeout, on: eventLoop, late: late, body)
        } onCancel: {
            slot.resume(nil)
        }
    }

    private static func waitForResult<T: Sendable>(
        _ slot: OneShot<Result<T, any Error>?>,
        _ timeout: Duration,
        on eventLoop: any EventLoop,
        late: (@Sendable (T) async -> Void)?,
        _ body: @escaping @Sendable () async throws -> T
    ) async -> Result<T, any Error>? {
        await withCheckedContinuation { continuation in
            slot.arm(continuation)
            let timer = eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout / .nanoseconds(1)))) {
                slot.resume(nil)
            }
            Task {
                let result: Result<T, any Error>
                do {
                    result = .success(try await body())
                } catch {
                    result = .failure(error)
                }
                timer.cancel()
                if !slot.resume(result), let late, case .success(let value) = result { await late(value) }
            }
        }
    }
}

/// A continuation resumed once, by whichever comes first (a value may come before the waiter is armed).
private final class OneShot<T: Sendable>: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<T, Never>)
        case delivered(T?)
    }

    private let state = Guarded<State>(.idle)

    func arm(_ continuation: CheckedContinuation<T, Never>) {
        let early = state.withLock { state -> T?? in
            if case .delivered(let value) = state { return .some(value) }
            state = .waiting(continuation)
            return .none
        }
        if case .some(let value?) = early { continuation.resume(returning: value) }
    }

    /// Hands `value` to the waiter; `false` when one was handed before (this value is not delivered).
    @discardableResult
    func resume(_ value: T) -> Bool {
        let (waiting, first) = state.withLock { state -> (CheckedContinuation<T, Never>?, Bool) in
            switch state {
            case .idle:
                state = .delivered(value)
                return (nil, true)
            case .waiting(let continuation):
                state = .delivered(nil)
                return (continuation, true)
            case .delivered:
                return (nil, false)
            }
        }
        waiting?.resume(returning: value)
        return first
    }
}
