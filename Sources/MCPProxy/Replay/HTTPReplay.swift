import AsyncHTTPClient
import Foundation
import MetricsWire
import NIOCore
import NIOHTTP1
import NIOPosix

/// Replays a recording's client side against a Streamable-HTTP server at a URL: each recorded message
/// POSTed in order with the headers a client sends (`Mcp-Session-Id` once the server gave one,
/// `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`), the answers read from each POST's JSON body or SSE
/// stream, the server's requests answered with the recorded client's answers; the session is deleted at
/// the end.
public enum HTTPReplay {
    /// Replays `recording` against `url`; an answer not in within `timeout` is counted unanswered. Throws
    /// when the URL is not an http(s) one.
    public static func run(
        _ recording: Recording,
        url: String,
        ignoring: Set<String>,
        timeout: Duration = .seconds(30)
    ) async throws(ReplayTargetError) -> [ReplayedCall] {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
            parsed.host != nil
        else {
            throw ReplayTargetError("--upstream must be an http:// or https:// URL, got '\(url)'")
        }
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(30))
        // A server that is not there is said at once, not after retries until the connect timeout.
        pool.retryConnectionEstablishment = false
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5)),
            connectionPool: pool,
            decompression: .disabled
        )
        configuration.tracing.tracer = nil
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let connection = Connection(client: client, url: url, timeout: timeout)
        var session = ReplaySession(
            plan: ReplayPlan(recording),
            send: { connection.post($0) },
            lines: connection.lines,
            ignoring: ignoring,
            timeout: timeout
        )
        var results = await session.run()
        await connection.end()
        try? await client.shutdown()
        // A POST that failed ended the replay: the calls after it say why. A server never reached is bad input.
        if let failure = connection.failure {
            if !results.contains(where: { $0.replayedMs != nil }) { throw ReplayTargetError(failure) }
            for index in results.indices where results[index].outcome == .unanswered(ReplaySession.serverGone) {
                results[index].outcome = .unanswered(failure)
            }
        }
        return results
    }

    /// The session with the server: its id and protocol version as learned, and the messages its answers
    /// carried, in the order they arrived.
    final class Connection: Sendable {
        let client: HTTPClient
        let url: String
        let timeout: Duration
        let lines: LineReader
        private let continuation: AsyncStream<LineReader.Event>.Continuation
        private let ticker: Task<Void, Never>
        private let state = Guarded(State())

        struct State {
            var failure: String?
            var sessionID: String?
            var negotiated: String?
            var posts: [Task<Void, Never>] = []
            /// The last POST's task: each waits for the one before it to be sent, so messages go in order.
            var previous: Task<Void, Never>?
        }

        init(client: HTTPClient, url: String, timeout: Duration) {
            self.client = client
            self.url = url
            self.timeout = timeout
            var parts: (AsyncStream<LineReader.Event>.Continuation, Task<Void, Never>)!
            lines = LineReader.fed { continuation, ticker in parts = (continuation, ticker) }
            (continuation, ticker) = parts
        }

        /// Why a POST failed, when one did (the replay ends there).
        var failure: String? { state.withLock { $0.failure } }

        /// POSTs `bytes` (after the messages before it were sent); the answer's messages go to ``lines``.
        func post(_ bytes: [UInt8]) -> Bool {
            let sent = AsyncStream.makeStream(of: Void.self)
            state.withLock { state in
                let previous = state.previous
                let task = Task {
                    await previous?.value
                    await self.exchange(bytes, sent: sent.continuation)
                }
                // The next message waits until this one's request went out (not for its answer: a call's
                // answer may wait for the client's answer to a request of the server's).
                state.previous = Task {
                    for await _ in sent.stream { break }
                }
                state.posts.append(task)
            }
            return true
        }

        /// Waits for the POSTs still streaming (at most a second), deletes the session, ends ``lines``.
        func end() async {
            let (posts, sessionID) = state.withLock { ($0.posts, $0.sessionID) }
            let drained = Task {
                for post in posts { await post.value }
            }
            let limit = Task {
                try? await Task.sleep(for: .seconds(1))
                for post in posts { post.cancel() }
            }
            await drained.value
            limit.cancel()
            if let sessionID {
                var request = HTTPClientRequest(url: url)
                request.method = .DELETE
                request.headers.add(name: "Mcp-Session-Id", value: sessionID)
                _ = try? await client.execute(request, timeout: .seconds(5))
            }
            ticker.cancel()
            continuation.finish()
        }

        private func exchange(_ bytes: [UInt8], sent: AsyncStream<Void>.Continuation) async {
            defer { sent.finish() }
            let value = ReplayPlan.parse(bytes)
            let (sessionID, negotiated) = state.withLock { ($0.sessionID, $0.negotiated) }
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Accept", value: "application/json, text/event-stream")
            if let sessionID { request.headers.add(name: "Mcp-Session-Id", value: sessionID) }
            if let value {
                let headers = MCPRequestHeaders.sent(with: value, negotiated: negotiated)
                if let version = headers.protocolVersion {
                    request.headers.add(name: "MCP-Protocol-Version", value: version)
                }
                if let method = headers.method { request.headers.add(name: "Mcp-Method", value: method) }
                if let name = headers.name { request.headers.add(name: "Mcp-Name", value: name) }
            }
            request.body = .bytes(ByteBuffer(bytes: bytes))
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.inSeconds * 1e9)))
            } catch {
                state.withLock { $0.failure = $0.failure ?? "cannot reach \(url): \(Self.describe(error))" }
                continuation.finish()
                return
            }
            if let id = response.headers.first(name: "Mcp-Session-Id") {
                state.withLock { $0.sessionID = id }
            }
            sent.yield()
            let streaming = response.headers.first(name: "Content-Type")?.lowercased().hasPrefix("text/event-stream")
            var events = SSEEvents()
            var body: [UInt8] = []
            do {
                for try await chunk in response.body {
                    if streaming == true {
                        events.feed(Array(chunk.readableBytesView)) { self.deliver($0) }
                    } else {
                        body += chunk.readableBytesView
                    }
                }
            } catch {}
            if streaming == true {
                events.finish { self.deliver($0) }
            } else if !body.isEmpty {
                deliver(body)
            }
        }

        /// A failed POST in a few words.
        static func describe(_ error: any Error) -> String {
            if let io = error as? IOError {
                return io.errnoCode == ECONNREFUSED ? "connection refused" : String(cString: strerror(io.errnoCode))
            }
            return "\(error)"
        }

        /// Hands one message of the server's to the session; a handshake's answer sets the version later
        /// requests carry.
        private func deliver(_ message: [UInt8]) {
            if let value = ReplayPlan.parse(message), let version = value["result"]?["protocolVersion"]?.stringValue {
                state.withLock { $0.negotiated = version }
            }
            continuation.yield(.line(message))
        }
    }
}

/// The data of each event of a `text/event-stream`, as its bytes arrive.
struct SSEEvents {
    private var pending: [UInt8] = []
    private var data: [UInt8]?

    /// Feeds `bytes`; calls `event` with each whole event's data (its `data:` lines joined by newlines).
    mutating func feed(_ bytes: [UInt8], _ event: ([UInt8]) -> Void) {
        pending += bytes
        while let newline = pending.firstIndex(of: 0x0A) {
            var line = Array(pending[..<newline])
            pending.removeSubrange(...newline)
            if line.last == 0x0D { line.removeLast() }
            take(line, event)
        }
    }

    /// Ends the stream: an event not closed by a blank line still counts.
    mutating func finish(_ event: ([UInt8]) -> Void) {
        if !pending.isEmpty { take(pending, event) }
        pending = []
        take([], event)
    }

    private mutating func take(_ line: [UInt8], _ event: ([UInt8]) -> Void) {
        if line.isEmpty {
            if let data, !data.isEmpty { event(data) }
            data = nil
            return
        }
        let prefix = Array("data:".utf8)
        guard line.starts(with: prefix) else { return }
        var value = line.dropFirst(prefix.count)
        if value.first == 0x20 { value = value.dropFirst() }
        data = data.map { $0 + [0x0A] + value } ?? Array(value)
    }
}

/// A replay target that cannot be used, and why.
public struct ReplayTargetError: Error, CustomStringConvertible {
    /// What is wrong, said to the user.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
