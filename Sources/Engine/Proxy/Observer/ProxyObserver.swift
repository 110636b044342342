import Foundation
import MetricsClient
import Synchronization

/// Watches the JSON-RPC traffic between an MCP client and server and records it into a
/// ``MetricsCollector``: `tools/call` per tool, other requests per method, in-flight calls with their
/// progress, the latest failures, the peers' `initialize` info and tool annotations.
///
/// It reads lines the relay forwards unchanged (the client's just before, the server's just after): nothing
/// here changes a byte on the wire, and no input — not JSON, too deep, invalid UTF-8 — can make it fail.
/// Answers observed before their request (a server's request is observed after it is forwarded, so the
/// client's answer can get there first) wait briefly for it.
public final class ProxyObserver: Sendable {
    /// The collector calls are recorded into.
    public let collector: MetricsCollector
    let cache: ProxyResultCache?
    let state: Mutex<ObserverState>

    /// Creates an observer for the server described by `server`, answering repeated calls of the tools in
    /// `cache` from it.
    public init(collector: MetricsCollector, server: MCPServerStatus, cache: ProxyResultCache? = nil) {
        self.collector = collector
        self.cache = cache
        self.state = Mutex(ObserverState(server: server))
        collector.setMCPSource { [weak self] in
            self?.metrics() ?? MCPMetrics(server: server)
        }
    }

    /// Observes one line the client wrote (without its newline), read at `instant`. Returns the answer to
    /// send the client instead of forwarding the line, when it is a call the cache answers.
    @discardableResult
    public func clientLine(_ line: UnsafeBufferPointer<UInt8>, at instant: ContinuousClock.Instant) -> [UInt8]? {
        observe(line, from: .client, at: instant)
    }

    /// Observes one line the server wrote (without its newline), written to the client at `instant`.
    public func serverLine(_ line: UnsafeBufferPointer<UInt8>, at instant: ContinuousClock.Instant) {
        _ = observe(line, from: .server, at: instant)
    }

    /// Observes a line too long to parse whole: its first bytes (`head`) and last bytes (`tail`). The id is
    /// found in the head's complete members or, failing that, as the object's last member in the tail.
    public func oversizedLine(
        from side: RPCSide,
        head: UnsafeBufferPointer<UInt8>,
        tail: UnsafeBufferPointer<UInt8>,
        at instant: ContinuousClock.Instant
    ) {
        var members = JSONParser.members(ofTruncated: head)
        if !members.contains(where: { $0.key == "id" }), let id = OversizedLine.trailingID(tail) {
            members.append(JSONMember(key: "id", value: id, range: 0..<0))
        }
        let hasError = members.contains { $0.key == "error" }
        let hasMethod = members.contains { $0.key == "method" }
        if !hasError, !hasMethod, !members.contains(where: { $0.key == "result" }) {
            // The result did not start in the head (the TypeScript SDK writes it first): it is a result.
            members.append(JSONMember(key: "result", value: .object([]), range: 0..<0))
        }
        // A result cut short is read as what it says so far: `isError` only counts when seen.
        state.withLock { state in
            state.count("oversized_line")
            handle(RPCMessage(.object(members)), from: side, line: nil, at: instant, state: &state)
        }
    }

    /// The server process started.
    public func serverStarted(pid: Int32) {
        state.withLock {
            $0.server.pid = Int(pid)
            $0.server.running = true
        }
    }

    /// The server process ended with `status` (a shell's exit status): calls still waiting end as
    /// `server_exited`. Returns how many were waiting.
    @discardableResult
    public func serverExited(status: Int32, at instant: ContinuousClock.Instant = .now) -> Int {
        state.withLock { state in
            state.server.running = false
            state.server.exitStatus = Int(status)
            if state.sessionOpen {
                state.sessionOpen = false
                collector.sessionClosed()
            }
            let waiting = state.pending[.client] ?? [:]
            state.pending = [.client: [:], .server: [:]]
            state.progressTokens = [.client: [:], .server: [:]]
            state.count("unmatched_response", state.early.values.reduce(0) { $0 + $1.count })
            state.early = [.client: [:], .server: [:]]
            for (_, request) in waiting.sorted(by: { $0.value.start < $1.value.start }) {
                finish(
                    request,
                    from: .client,
                    errorType: "server_exited",
                    message: "the server exited (status \(status)) before answering",
                    at: instant,
                    state: &state
                )
            }
            return waiting.count
        }
    }

    /// The `mcp` section of the snapshot (method metrics are added by the collector).
    public func metrics(now: ContinuousClock.Instant = .now) -> MCPMetrics {
        state.withLock { state in
            state.expireEarly(now: now)
            var waiting: [(RPCSide, RPCID, PendingRequest)] = []
            for side in [RPCSide.client, .server] {
                for (id, request) in state.pending[side] ?? [:] { waiting.append((side, id, request)) }
            }
            let oldest = waiting.sorted { $0.2.start < $1.2.start }.prefix(MCPMetrics.maxListed)
            return MCPMetrics(
                server: state.server,
                inFlight: oldest.map { side, id, request in
                    InFlightCall(
                        id: id.description,
                        method: DisplayText.singleLine(request.method, maxLength: 80),
                        tool: request.tool,
                        fromServer: side == .server,
                        elapsedMs: MetricsRounding.twoDecimals((now - request.start).inMilliseconds),
                        progress: request.progress,
                        total: request.total,
                        message: request.message
                    )
                },
                inFlightCount: waiting.count,
                recentFailures: state.failures.newestFirst,
                toolAnnotations: state.annotations,
                protocolIssues: state.issues
            )
        }
    }

    private func observe(
        _ line: UnsafeBufferPointer<UInt8>,
        from side: RPCSide,
        at instant: ContinuousClock.Instant
    )
        -> [UInt8]?
    {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                state.withLock { $0.count("not_json") }
            }
            return nil
        }
        if case .array(let elements) = value {
            state.withLock { state in
                state.count("batch")
                for element in elements {
                    handle(RPCMessage(element), from: side, line: nil, at: instant, state: &state)
                }
            }
            return nil
        }
        let message = RPCMessage(value)
        var cacheEntry: ProxyResultCache.Entry?
        if side == .client, let cache, case .request(let id, "tools/call", let params) = message {
            switch cache.lookup(id: id, params: params, line: line, members: value) {
            case .answer(let answer):
                collector.tool(Self.toolName(params)).record(latency: .now - instant, success: true)
                return answer
            case .miss(let entry): cacheEntry = entry
            case .notCached: break
            }
        }
        state.withLock { state in
            handle(message, from: side, line: line, at: instant, cacheEntry: cacheEntry, state: &state)
        }
        return nil
    }

    static func toolName(_ params: JSONValue?) -> String {
        params?["name"]?.stringValue ?? "(no name)"
    }
}

extension Duration {
    /// The duration in milliseconds.
    var inMilliseconds: Double { inSeconds * 1000 }
}
