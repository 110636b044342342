import Engine
import Foundation
import MetricsWire

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
    /// Whether calls of tools that differ from the pinned baseline are refused (`--tools-policy block`).
    let blocksChangedTools: Bool
    let state: Guarded<ObserverState>
    /// Sessions are the ids the client sends (`Mcp-Session-Id`, Streamable HTTP), each open from its first
    /// message to its end; otherwise there is one, opened by `initialize` (stdio).
    let sessionsByID: Bool
    /// Where each request's span goes as it ends; none are made without it.
    let spans: (any SpanSink)?
    /// Spans carry the calls' arguments and results.
    let spanPayloads: Bool
    /// The last messages, for `GET /v1/messages`; none kept without it.
    let messages: MessageLog?

    /// Creates an observer for the server described by `server`, answering repeated calls of the tools in
    /// `cache` from it; `sessionsByID` counts the client's session ids as its sessions (HTTP); each request
    /// that ends is handed to `spans` as a ``RequestSpan``; each message is kept in `messages`.
    public init(
        collector: MetricsCollector,
        server: MCPServerStatus,
        cache: ProxyResultCache? = nil,
        sessionsByID: Bool = false,
        spans: (any SpanSink)? = nil,
        messages: MessageLog? = nil,
        toolPolicy: ToolPolicy = ToolPolicy()
    ) {
        self.collector = collector
        self.cache = cache
        self.blocksChangedTools = toolPolicy.blocks
        self.sessionsByID = sessionsByID
        self.spans = spans
        self.messages = messages
        self.spanPayloads = spans?.wantsPayloads ?? false
        var initial = ObserverState(server: server)
        initial.surface = ToolSurfaceState(baseline: toolPolicy.baseline)
        self.state = Guarded(initial)
        collector.setMCPSource { [weak self] in
            self?.metrics() ?? MCPMetrics(server: server)
        }
        toolPolicy.reader?.attach { [weak self] in
            self?.state.withLock { $0.surface.document(server: server.name) }
        }
    }

    /// Whether client messages are looked at before they are forwarded: the observer may answer a call
    /// itself (a `--cache` hit, a call refused by `--tools-policy block`).
    public var answersCalls: Bool { cache != nil || blocksChangedTools }

    /// An observer recording into `runtime`'s collector for the server `name`, answering repeated calls of
    /// `cachedTools` from `runtime`'s response cache (none when empty; HTTP, `sessionsByID`, serves many
    /// clients from it).
    public convenience init(
        runtime: EngineRuntime,
        name: String,
        executable: String,
        cachedTools: [String: Duration?],
        sessionsByID: Bool = false,
        spans: (any SpanSink)? = nil,
        messages: MessageLog? = nil,
        toolPolicy: ToolPolicy = ToolPolicy()
    ) {
        let cache =
            cachedTools.isEmpty
            ? nil
            : ProxyResultCache(
                cache: runtime.responseCache,
                serverName: name,
                tools: cachedTools,
                sharedByClients: sessionsByID
            )
        self.init(
            collector: runtime.collector,
            server: MCPServerStatus(name: name, executable: executable, running: true),
            cache: cache,
            sessionsByID: sessionsByID,
            spans: spans,
            messages: messages,
            toolPolicy: toolPolicy
        )
    }

    /// Observes one line the client wrote (without its newline), read at `instant`. Returns the answer to
    /// send the client instead of forwarding the line, when it is a call the cache answers.
    ///
    /// Called on the stdio relay's own thread, which may wait: a call the first cache level misses is looked
    /// up in the shared level (``ResponseCache/sharedValue(for:)``, bounded by the store's deadline) before
    /// it is forwarded.
    @discardableResult
    public func clientLine(_ line: UnsafeBufferPointer<UInt8>, at instant: ContinuousClock.Instant) -> [UInt8]? {
        let lane = Lane(side: .client, session: "")
        let observed = observe(line, from: lane, at: instant)
        guard let key = observed.sharedKey, let cache else { return observed.answer }
        let found = BlockingWait.run { await cache.cache.sharedValue(for: key) }
        return observe(line, from: lane, at: instant, shared: .answered(found)).answer
    }

    /// Observes one line the server wrote (without its newline), written to the client at `instant`.
    public func serverLine(_ line: UnsafeBufferPointer<UInt8>, at instant: ContinuousClock.Instant) {
        _ = observe(line, from: Lane(side: .server, session: ""), at: instant)
    }

    /// Observes one JSON-RPC message (or batch) the client sent in `session`, whole, read at `instant`.
    /// Returns the cache's answer when it has one, and the ids of the requests it carried.
    /// `headers` are the request's `Mcp-Method` and `Mcp-Name` (HTTP), checked against the body.
    ///
    /// With a shared cache level, a call the first level misses comes back with `sharedKey` and nothing else
    /// (it is not observed yet): look it up (``ResponseCache/sharedValue(for:)``) off the caller's thread,
    /// then observe the message again with what was found as `shared`.
    public func clientMessage(
        _ bytes: UnsafeBufferPointer<UInt8>,
        session: String,
        headers: MCPRequestHeaders? = nil,
        at instant: ContinuousClock.Instant,
        shared: SharedCacheAnswer = .notAsked
    ) -> (answer: [UInt8]?, requests: [RPCID], sharedKey: ResponseCacheKey?) {
        observe(bytes, from: Lane(side: .client, session: session), headers: headers, at: instant, shared: shared)
    }

    /// Observes one JSON-RPC message (or batch) the server sent in `session`, passed on at `instant`; on the
    /// GET stream `stream` (``getStreamOpened(session:at:)``), if it came on one.
    public func serverMessage(
        _ bytes: UnsafeBufferPointer<UInt8>,
        session: String,
        stream: Int? = nil,
        at instant: ContinuousClock.Instant
    ) {
        _ = observe(bytes, from: Lane(side: .server, session: session), stream: stream, at: instant)
    }

    /// Observes a line too long to parse whole: its first bytes (`head`) and last bytes (`tail`). The id is
    /// found in the head's complete members or, failing that, as the object's last member in the tail.
    /// Returns the id of the request it was, if it was one.
    @discardableResult
    public func oversizedLine(
        from side: RPCSide,
        session: String = "",
        head: UnsafeBufferPointer<UInt8>,
        tail: UnsafeBufferPointer<UInt8>,
        at instant: ContinuousClock.Instant
    ) -> RPCID? {
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
        let message = RPCMessage(.object(members))
        state.withLock { state in
            messages?.append(message, direction: side.direction, session: session, bytes: nil, value: nil, at: instant)
            state.count("oversized_line")
            state.readingOversized = true
            handle(message, from: Lane(side: side, session: session), line: nil, at: instant, state: &state)
            state.readingOversized = false
        }
        if case .request(let id, _, _) = message { return id }
        return nil
    }

    /// Ends the client's requests `ids` of `session` that are still waiting as failed with `errorType`
    /// (the upstream could not be reached, or answered without a response). Returns how many were waiting.
    @discardableResult
    public func fail(
        _ ids: [RPCID],
        session: String,
        errorType: String,
        message: String,
        at instant: ContinuousClock.Instant = .now
    ) -> Int {
        state.withLock { state in
            var ended = 0
            for id in ids {
                guard let request = state.removePending(id, of: Lane(side: .client, session: session)) else { continue }
                finish(request, from: .client, errorType: errorType, message: message, at: instant, state: &state)
                ended += 1
            }
            return ended
        }
    }

    /// Stops waiting for the client's requests `ids` of `session` without counting them as calls: their
    /// answer may have gone to a connection the client closed (not a cancellation). Each one still waiting
    /// is counted as the protocol issue `issue`; returns how many were.
    @discardableResult
    public func forget(_ ids: [RPCID], session: String, issue: String) -> Int {
        state.withLock { state in
            let forgotten = ids.filter { state.removePending($0, of: Lane(side: .client, session: session)) != nil }
            state.count(issue, forgotten.count)
            return forgotten.count
        }
    }

    /// The session ended (deleted by the client, or unknown to the server): its waiting requests end as
    /// `session_ended`, not counted as the server's failures but listed. Returns how many were waiting.
    @discardableResult
    public func sessionEnded(_ session: String, at instant: ContinuousClock.Instant = .now) -> Int {
        state.withLock { state in
            if state.sessions.remove(session) != nil { collector.sessionClosed() }
            abandonRounds(&state) { key, _ in key.session == session }
            for case .listen(session, let id) in state.streams.keys {
                state.closeStream(.listen(session: session, id: id), abruptly: false, at: instant)
            }
            let waiting = state.endSession(session)
            state.count("pending_at_session_end", waiting.count)
            return waiting.count
        }
    }

    /// Counts a protocol issue seen outside the messages (an SSE stream that ended mid-event, an upstream
    /// that dropped a connection).
    public func count(_ issue: String, _ times: Int = 1) {
        state.withLock { $0.count(issue, times) }
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
            var waiting: [PendingRequest] = []
            for (lane, requests) in state.pending where lane.side == .client { waiting += requests.values }
            state.pending = [:]
            state.progressTokens = [:]
            // Answers that came before their request stay: the client's thread may not have observed the
            // request yet (it is forwarded first); the patience counts the strays.
            serverGone(&state, at: instant)
            for request in waiting.sorted(by: { $0.start < $1.start }) {
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
            abandonRounds(&state) { _, round in now - round.answeredAt > ObserverState.roundPatience }
            var waiting: [(RPCSide, RPCID, PendingRequest)] = []
            for (lane, requests) in state.pending {
                for (id, request) in requests { waiting.append((lane.side, id, request)) }
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
                        message: request.message,
                        round: request.earlier.map { $0.count + 1 }
                    )
                },
                inFlightCount: waiting.count,
                recentFailures: state.failures.newestFirst,
                toolAnnotations: state.annotations,
                protocolIssues: state.issues,
                requestsByVersion: state.requestsByVersion.isEmpty ? nil : state.requestsByVersion,
                streams: state.streamMetrics(now: now),
                awaitingInput: state.openRounds.isEmpty ? nil : state.openRounds.count,
                toolSurface: state.surface.metrics
            )
        }
    }

    private func observe(
        _ line: UnsafeBufferPointer<UInt8>,
        from lane: Lane,
        headers: MCPRequestHeaders? = nil,
        stream: Int? = nil,
        at instant: ContinuousClock.Instant,
        shared: SharedCacheAnswer = .notAsked
    ) -> (answer: [UInt8]?, requests: [RPCID], sharedKey: ResponseCacheKey?) {
        let value: JSONValue
        let direction = lane.side.direction
        do {
            value = try JSONParser.parse(line)
        } catch {
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) {
                state.withLock { state in
                    messages?.append(
                        nil,
                        direction: direction,
                        session: lane.session,
                        bytes: line.count,
                        value: nil,
                        at: instant
                    )
                    state.count("not_json")
                }
            }
            return (nil, [], nil)
        }
        if case .array(let elements) = value {
            let batch = elements.map(RPCMessage.init)
            state.withLock { state in
                messages?.append(
                    nil,
                    direction: direction,
                    session: lane.session,
                    bytes: line.count,
                    value: value,
                    batch: true,
                    at: instant
                )
                state.count("batch")
                for message in batch {
                    handle(
                        message,
                        from: lane,
                        line: nil,
                        at: instant,
                        headerVersion: headers?.protocolVersion,
                        state: &state
                    )
                }
            }
            return (nil, batch.compactMap(\.requestID), nil)
        }
        let message = RPCMessage(value)
        // Counted once: a message observed again with the shared cache's answer was counted the first time.
        if case .notAsked = shared, let headers, let issue = headers.disagreement(with: message) {
            state.withLock { $0.count(issue) }
        }
        if let stream, let method = message.method {
            state.withLock { $0.countEvent(method, on: .get(stream)) }
        }
        if lane.side == .client, blocksChangedTools, case .request(let id, "tools/call", let params) = message {
            let tool = Self.toolName(params)
            let refusal = state.withLock { state in
                // A list on its way may change the verdict: refuse now (the client may call again) rather
                // than judge by the list before it.
                state.isListingTools(session: lane.session, now: instant)
                    ? "the server's tool list is being read (tools/list in flight); call again once it is answered"
                    : state.surface.refusal(of: tool)
            }
            if let refusal {
                collector.tool(tool).record(latency: .now - instant, success: false, errorType: "blocked_by_policy")
                return (Self.blockedAnswer(line: line, members: value, reason: refusal), [], nil)
            }
        }
        var cacheEntry: ProxyResultCache.Entry?
        if lane.side == .client, let cache, case .request(let id, "tools/call", let params) = message {
            switch cache.lookup(id: id, params: params, line: line, members: value, shared: shared) {
            case .askShared(let key):
                return (nil, [], key)
            case .answer(let answer):
                collector.tool(Self.toolName(params)).record(latency: .now - instant, success: true)
                if let messages {
                    logCached(
                        id: id,
                        params: params,
                        answer: answer,
                        in: messages,
                        session: lane.session,
                        line: line,
                        value: value,
                        at: instant
                    )
                }
                return (answer, [], nil)
            case .miss(let entry): cacheEntry = entry
            case .notCached: break
            }
        }
        state.withLock { state in
            messages?.append(
                message,
                direction: direction,
                session: lane.session,
                bytes: line.count,
                value: value,
                at: instant
            )
            handle(
                message,
                from: lane,
                line: line,
                at: instant,
                cacheEntry: cacheEntry,
                headerVersion: headers?.protocolVersion,
                state: &state
            )
        }
        return (nil, message.requestID.map { [$0] } ?? [], nil)
    }

    /// The JSON-RPC error a refused call is answered with, its request's id as the client wrote it.
    static func blockedAnswer(line: UnsafeBufferPointer<UInt8>, members value: JSONValue, reason: String) -> [UInt8] {
        var answer = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
        if case .object(let members) = value, let range = members.last(where: { $0.key == "id" })?.range {
            answer.append(contentsOf: UnsafeBufferPointer(rebasing: line[range]))
        } else {
            answer.append(contentsOf: "null".utf8)
        }
        let message = "dashboard proxy refused this call (--tools-policy block): \(reason)"
        answer.append(contentsOf: #","error":{"code":-32001,"message":"#.utf8)
        answer.append(contentsOf: JSONText.quoted(message).utf8)
        answer.append(contentsOf: "}}\n".utf8)
        return answer
    }

    static func toolName(_ params: JSONValue?) -> String {
        params?["name"]?.stringValue ?? "(no name)"
    }
}
