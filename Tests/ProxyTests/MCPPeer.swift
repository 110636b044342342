import Foundation
import Logging
import MCP
import SystemPackage

/// An MCP server running as a child process, driven by a swift-sdk `Client`.
///
/// The child's stdin and stdout are pipes carrying newline-delimited JSON-RPC;
/// its stderr is inherited unless a handle is given. The client answers the
/// server-to-client requests `ping` and `roots/list` (one root, `file:///tmp`) and
/// records `notifications/progress` for ``callWithProgress(_:_:)``.
///
/// `StdioTransport` writes every request; by default MCPPeer itself reads the
/// server's stdout, because `StdioTransport`'s reader is quadratic in the length of a
/// message (see ``Reading``).
///
/// When the server closes its stdout (for instance because it died), every pending
/// and later request fails with `MCPError.connectionClosed`.
///
/// ```swift
/// let peer = try await MCPPeer.start(executable: ".build/debug/MCPTestServer", arguments: [])
/// let outcome = try await peer.call("echo", ["text": "hi"])
/// let status = await peer.close()
/// ```
actor MCPPeer {
    /// The outcome of one `tools/call`: exactly one of `result` and `error` is set.
    typealias CallOutcome = (result: CallTool.Result?, error: MCPError?, seconds: Double)

    /// The outcome of one `tools/call` together with the progress notifications
    /// received for it, in arrival order.
    typealias ProgressCallOutcome = (
        result: CallTool.Result?, error: MCPError?, seconds: Double,
        progress: [ProgressNotification.Parameters]
    )

    /// How the server's stdout is read.
    enum Reading: Sendable {
        /// MCPPeer reads stdout on a thread of its own and splits it into lines in
        /// linear time; `StdioTransport` still writes every outgoing message.
        case lineReader
        /// `StdioTransport` reads stdout. It re-scans the whole unfinished line after
        /// every 4 KiB read, so one N-byte message costs O(N²): seconds for 1 MB,
        /// minutes for 5 MB.
        case stdioTransport
    }

    /// The roots the client reports in answer to `roots/list`.
    static let roots = [Root(uri: "file:///tmp", name: "tmp")]

    /// The connected client; use it directly for anything this type does not wrap.
    nonisolated let client: Client
    /// The server's answer to `initialize`.
    nonisolated let initializeResult: Initialize.Result
    /// The process identifier of the server.
    nonisolated let processIdentifier: Int32

    private let process: Process
    private let toServer: FileHandle
    private let exitStatus: ExitStatus
    private let connection: ConnectionState
    private let progress: ProgressLog
    private var closedStatus: Int32?

    private init(
        client: Client,
        initializeResult: Initialize.Result,
        process: Process,
        toServer: FileHandle,
        exitStatus: ExitStatus,
        connection: ConnectionState,
        progress: ProgressLog
    ) {
        self.client = client
        self.initializeResult = initializeResult
        self.processIdentifier = process.processIdentifier
        self.process = process
        self.toServer = toServer
        self.exitStatus = exitStatus
        self.connection = connection
        self.progress = progress
    }

    // MARK: Lifecycle

    /// Launches `executable` and completes the MCP `initialize` handshake with it.
    ///
    /// `SIGPIPE` is ignored process-wide, so that writing to a server that has gone
    /// away fails with `EPIPE` instead of killing the caller.
    ///
    /// - Parameters:
    ///   - executable: Path of the server executable.
    ///   - arguments: Command-line arguments for the server.
    ///   - environment: The server's complete environment; `nil` inherits the caller's.
    ///   - standardError: Where the server's stderr goes; `nil` inherits the caller's.
    ///   - reading: Who reads the server's stdout.
    /// - Throws: If the process cannot be launched or the handshake fails; in the
    ///   latter case the process has been stopped before this returns.
    static func start(
        executable: String,
        arguments: [String],
        environment: [String: String]? = nil,
        standardError: FileHandle? = nil,
        reading: Reading = .lineReader
    ) async throws -> MCPPeer {
        signal(SIGPIPE, SIG_IGN)

        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = environment
        }
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        if let standardError {
            process.standardError = standardError
        }
        let exitStatus = ExitStatus()
        process.terminationHandler = { process in
            let status = process.terminationStatus
            Task { await exitStatus.record(status) }
        }
        try process.run()

        let toServer = stdinPipe.fileHandleForWriting
        // The transport owns a duplicate of the read end; the handle is closed now.
        let fromServer = dup(stdoutPipe.fileHandleForReading.fileDescriptor)
        let dupError = errno
        try? stdoutPipe.fileHandleForReading.close()
        let connection = ConnectionState()
        let progress = ProgressLog()

        let client = Client(
            name: "mcp-test-client",
            version: "1.0.0",
            capabilities: .init(roots: .init(listChanged: false))
        )
        await client.withMethodHandler(Ping.self) { _ in Empty() }
        await client.withRootsHandler { MCPPeer.roots }
        await client.onNotification(ProgressNotification.self) { message in
            await progress.record(message.params)
        }

        let initializeResult: Initialize.Result
        do {
            guard fromServer >= 0 else {
                throw MCPError.transportError(Errno(rawValue: dupError))
            }
            let transport: PipeTransport
            do {
                transport = try PipeTransport(
                    fromServer: fromServer,
                    toServer: toServer.fileDescriptor,
                    reading: reading,
                    onEndOfStream: {
                        Task {
                            await connection.markClosed()
                            await client.disconnect()
                        }
                    }
                )
            } catch {
                Foundation.close(fromServer)
                throw error
            }
            initializeResult = try await client.connect(transport: transport)
        } catch {
            let closed = await connection.isClosed
            await client.disconnect()
            try? toServer.close()
            if process.isRunning {
                process.terminate()
            }
            _ = await exitStatus.wait()
            throw closed ? MCPError.connectionClosed : error
        }

        return MCPPeer(
            client: client,
            initializeResult: initializeResult,
            process: process,
            toServer: toServer,
            exitStatus: exitStatus,
            connection: connection,
            progress: progress
        )
    }

    /// Disconnects the client, closes the server's stdin and waits for it to exit.
    ///
    /// A server still running `timeout` after its stdin was closed is killed.
    /// Calling this again returns the same status.
    ///
    /// - Returns: The server's exit status, or the signal number if a signal ended it.
    func close(timeout: Duration = .seconds(10)) async -> Int32 {
        if let closedStatus {
            return closedStatus
        }
        await client.disconnect()
        try? toServer.close()

        let process = self.process
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
            }
        }
        let status = await exitStatus.wait()
        watchdog.cancel()

        closedStatus = status
        return status
    }

    /// The server's exit status, or `nil` while it is running.
    var terminationStatus: Int32? {
        get async { await exitStatus.value }
    }

    /// Whether the server has closed its end of the connection.
    var isConnectionClosed: Bool {
        get async { await connection.isClosed }
    }

    // MARK: Requests

    /// All tools the server offers, following `nextCursor` until the list ends.
    func listTools() async throws -> [Tool] {
        var tools: [Tool] = []
        var cursor: String?
        repeat {
            let page = try await client.listTools(cursor: cursor)
            tools += page.tools
            cursor = page.nextCursor
        } while cursor != nil
        return tools
    }

    /// Calls `tool` and measures the wall time until its answer arrives.
    ///
    /// A JSON-RPC error answer, or losing the connection, is reported in `error`
    /// rather than thrown.
    ///
    /// - Parameter id: The request id (the SDK's default is a random string; `.number(n)` sends a number).
    /// - Throws: Only errors that are not `MCPError`, such as a result that does not
    ///   decode as `CallTool.Result`.
    func call(_ tool: String, _ arguments: [String: Value] = [:], id: ID = .random) async throws -> CallOutcome {
        try await perform(tool, arguments, meta: nil, id: id)
    }

    /// Calls `tool` with a fresh `_meta.progressToken` and returns, with the outcome,
    /// the progress notifications the server sent for that token before answering.
    func callWithProgress(
        _ tool: String,
        _ arguments: [String: Value] = [:]
    ) async throws -> ProgressCallOutcome {
        let token = ProgressToken.unique()
        await progress.track(token)
        let outcome: CallOutcome
        do {
            outcome = try await perform(tool, arguments, meta: Metadata(progressToken: token), id: .random)
        } catch {
            _ = await progress.stopTracking(token)
            throw error
        }
        let notifications = await progress.stopTracking(token)
        return (outcome.result, outcome.error, outcome.seconds, notifications)
    }

    private func perform(
        _ tool: String,
        _ arguments: [String: Value],
        meta: Metadata?,
        id: ID
    ) async throws -> CallOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let request = CallTool.request(id: id, .init(name: tool, arguments: arguments, meta: meta))
            let context = try await client.send(request)
            let result = try await context.value
            return (result, nil, Self.seconds(start.duration(to: clock.now)))
        } catch let error as MCPError {
            let seconds = Self.seconds(start.duration(to: clock.now))
            let closed = await connection.isClosed
            return (nil, closed ? .connectionClosed : error, seconds)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
