import Engine
import Foundation
import MetricsWire

extension ProxyObserver {
    /// Applies one message `side` sent. `line` is the raw line when the message is the whole line (the
    /// cache stores a result's bytes from it); `headerVersion` the `MCP-Protocol-Version` it came with (HTTP).
    func handle(
        _ message: RPCMessage,
        from lane: Lane,
        line: UnsafeBufferPointer<UInt8>?,
        at instant: ContinuousClock.Instant,
        cacheEntry: ProxyResultCache.Entry? = nil,
        headerVersion: String? = nil,
        state: inout ObserverState
    ) {
        if sessionsByID, lane.side == .client, !lane.session.isEmpty, state.sessions.insert(lane.session).inserted {
            collector.sessionOpened()
        }
        switch message {
        case .invalid:
            state.count("invalid_message")
        case .request(let id, let method, let params):
            if lane.side == .client {
                state.countVersion(of: method, params, session: lane.session, header: headerVersion)
                if state.server.client == nil, let info = Self.peerInfo(params?["_meta"]?[Self.clientInfoKey]) {
                    state.server.client = info
                }
                if method == "subscriptions/listen" {
                    let key = StreamKey.listen(session: lane.session, id: id)
                    state.openStream(key, at: instant)
                    if let early = state.early[lane]?.removeValue(forKey: id) {
                        // Its closing answer was observed first.
                        _ = listenEnded(id, early.outcome, session: lane.session, at: early.instant, &state)
                    }
                    return
                }
                if method == "initialize" { initializing(params, session: lane.session, state: &state) }
            }
            guard (state.pending[lane]?.count ?? 0) < ObserverState.maxPending else {
                state.count("untracked")
                return
            }
            if state.pending[lane]?[id] != nil { state.count("duplicate_id") }
            var request = PendingRequest(method: method, id: id, start: instant)
            if method == "tools/call" { request.tool = Self.toolName(params) }
            request.session = lane.session
            if spans != nil {
                request.trace = TraceParent(meta: params?["_meta"])
                if spanPayloads, let arguments = params?["arguments"] {
                    request.arguments = arguments.redactedText(limit: RequestSpan.maxPayloadBytes)
                }
                // A server's request over HTTP names no version: its session's, as agreed, is it.
                request.version =
                    ObserverState.modernVersion(params) ?? headerVersion ?? state.sessionVersions[lane.session]
                    ?? state.server.protocolVersion
            }
            if lane.side == .client, ObserverState.multiRoundMethods.contains(method) {
                request.target = ObserverState.target(of: method, params)
                request.earlier = state.continueRound(
                    method,
                    target: request.target,
                    params: params,
                    session: lane.session,
                    at: instant
                )
            }
            if let call = request.earlier?.call {
                request.call = call
            } else {
                state.calls += 1
                request.call = state.calls
            }
            if let token = RPCID(params?["_meta"]?["progressToken"]) {
                request.progressToken = token
                state.progressTokens[lane, default: [:]][token] = id
            }
            request.cacheKey = cacheEntry?.key
            request.cacheTTL = cacheEntry?.ttl
            state.cancelled[lane]?.remove(id)
            if let early = state.early[lane]?.removeValue(forKey: id) {
                // Its answer was observed first (see ``EarlyResponse``).
                if let token = request.progressToken { state.progressTokens[lane]?[token] = nil }
                answered(request, early.outcome, by: lane.peer, line: nil, at: early.instant, state: &state)
                return
            }
            if lane.side == .client, let status = state.server.exitStatus, !state.server.running {
                // Observed after it was forwarded, to a server that has exited since without answering it.
                let message = "the server exited (status \(status)) before answering"
                finish(request, from: .client, errorType: "server_exited", message: message, at: instant, state: &state)
                return
            }
            state.pending[lane, default: [:]][id] = request
        case .notification(let method, let params):
            notification(method, params, from: lane, at: instant, state: &state)
        case .response(let id, let outcome):
            guard let id, let request = state.removePending(id, of: lane.peer) else {
                if let id, state.cancelled[lane.peer]?.remove(id) != nil { return }
                if let id, lane.side == .server, listenEnded(id, outcome, session: lane.session, at: instant, &state) {
                    return
                }
                if let id {
                    // Kept whole when small: its request, observed next, learns from it as from any answer.
                    state.keepEarly(
                        outcome,
                        whole: (line?.count ?? .max) <= 65_536,
                        id: id,
                        for: lane.peer,
                        at: instant
                    )
                } else {
                    state.count("unmatched_response")
                }
                return
            }
            answered(request, outcome, by: lane, line: line, at: instant, state: &state)
        }
    }

    /// A request `by` answered with `outcome` at `instant`: a round of a call that goes on, or the end of a
    /// call, learnt from (and, a cached tool's, stored from `line`).
    func answered(
        _ request: PendingRequest,
        _ outcome: RPCOutcome,
        by lane: Lane,
        line: UnsafeBufferPointer<UInt8>?,
        at instant: ContinuousClock.Instant,
        state: inout ObserverState
    ) {
        let errorType = outcome.errorType(isToolCall: request.tool != nil)
        if lane.side == .server, case .result(let result) = outcome {
            if state.asksForInput(result, method: request.method) {
                // A round, not the call: it goes on when the client retries.
                spanEnded(request, errorType: nil, message: "", at: instant, asksForInput: true, result: result)
                if let displaced = state.openRound(after: request, result: result, session: lane.session, at: instant) {
                    abandon(displaced)
                }
                return
            }
            learn(from: result, of: request.method, session: lane.session, state: &state)
            if errorType == nil, let key = request.cacheKey, let cache, let line {
                cache.store(resultOf: line, result: result, key: key, ttl: request.cacheTTL)
            }
        }
        var code: Int?
        var result: JSONValue?
        switch outcome {
        case .error(let number?, _): code = number
        case .result(let value): result = value
        case .error: break
        }
        finish(
            request,
            from: lane.side.peer,
            errorType: errorType,
            message: errorType == nil ? "" : outcome.failureMessage,
            code: code,
            result: result,
            at: instant,
            state: &state
        )
    }

    /// What the client's `initialize` says: the session opens (stdio), who the client is, what it asks for.
    private func initializing(_ params: JSONValue?, session: String, state: inout ObserverState) {
        if !sessionsByID, !state.sessionOpen {
            state.sessionOpen = true
            collector.sessionOpened()
        }
        if let info = Self.peerInfo(params?["clientInfo"]) { state.server.client = info }
        if let version = params?["protocolVersion"]?.stringValue {
            state.server.protocolVersion = DisplayText.singleLine(version, maxLength: 40)
        }
    }

    /// Records a request that ended: as a tool call, a client request or a server request (its span's
    /// `error.type` is the JSON-RPC error `code`, when it was answered with one).
    func finish(
        _ request: PendingRequest,
        from side: RPCSide,
        errorType: String?,
        message: String,
        code: Int? = nil,
        result: JSONValue? = nil,
        at instant: ContinuousClock.Instant,
        state: inout ObserverState
    ) {
        spanEnded(
            request,
            fromServer: side == .server,
            errorType: code.map { String($0) } ?? errorType,
            message: message,
            at: instant,
            result: result
        )
        var latency = max(.zero, instant - request.start)
        messages?.answered(
            request.id,
            requester: side,
            session: request.session,
            method: request.method,
            tool: request.tool,
            latency: latency,
            outcome: code.map { String($0) } ?? errorType ?? "ok"
        )
        let recorder = self.recorder(method: request.method, tool: request.tool, fromServer: side == .server)
        if let earlier = request.earlier {
            latency += earlier.serverTime
            recorder.record(
                latency: latency,
                success: errorType == nil,
                errorType: errorType,
                rounds: earlier.count + 1,
                inputWait: earlier.inputWait
            )
        } else {
            recorder.record(latency: latency, success: errorType == nil, errorType: errorType)
        }
        guard let errorType else { return }
        state.failures.append(
            CallFailure(
                time: Date().timeIntervalSince1970,
                method: DisplayText.singleLine(request.method, maxLength: 80),
                tool: request.tool.map { DisplayText.singleLine($0, maxLength: 80) },
                errorType: errorType,
                message: DisplayText.singleLine(message, maxLength: 200),
                latencyMs: MetricsRounding.twoDecimals(latency.inMilliseconds)
            )
        )
    }

    private func notification(
        _ method: String,
        _ params: JSONValue?,
        from lane: Lane,
        at instant: ContinuousClock.Instant,
        state: inout ObserverState
    ) {
        if lane.side == .server, let key = Self.stream(of: params, session: lane.session) {
            state.countEvent(method, on: key)
            return
        }
        switch method {
        case "notifications/cancelled":
            // The side that sent a request cancels it; the client ends a listen stream so (stdio).
            guard let id = RPCID(params?["requestId"]) else { return }
            if lane.side == .client,
                state.closeStream(.listen(session: lane.session, id: id), abruptly: false, at: instant)
            {
                return
            }
            guard let request = state.removePending(id, of: lane) else { return }
            if (state.cancelled[lane]?.count ?? 0) >= ObserverState.maxCancelled { state.cancelled[lane] = [] }
            state.cancelled[lane, default: []].insert(id)
            let reason =
                params?["reason"]?.stringValue ?? "cancelled by the \(lane.side == .client ? "client" : "server")"
            finish(request, from: lane.side, errorType: "cancelled", message: reason, at: instant, state: &state)
        case "notifications/progress":
            // The side answering a request reports its progress.
            guard let token = RPCID(params?["progressToken"]),
                let id = state.progressTokens[lane.peer]?[token],
                var request = state.pending[lane.peer]?[id]
            else { return }
            request.progress = params?["progress"]?.doubleValue
            request.total = params?["total"]?.doubleValue
            request.message = params?["message"]?.stringValue.map { DisplayText.singleLine($0, maxLength: 120) }
            if spans != nil, request.progressMarks.count < RequestSpan.maxProgressMarks {
                request.progressMarks.append(
                    ProgressMark(
                        instant: instant,
                        progress: request.progress,
                        total: request.total,
                        message: request.message
                    )
                )
            }
            state.pending[lane.peer]?[id] = request
        default:
            return
        }
    }

    /// What a server's result to `initialize` or `tools/list` says about it.
    private func learn(from result: JSONValue, of method: String, session: String, state: inout ObserverState) {
        if state.server.implementation == nil, let info = Self.peerInfo(result["_meta"]?[Self.serverInfoKey]) {
            state.server.implementation = info
        }
        switch method {
        case "initialize":
            if let info = Self.peerInfo(result["serverInfo"]) { state.server.implementation = info }
            if let version = result["protocolVersion"]?.stringValue {
                state.server.protocolVersion = DisplayText.singleLine(version, maxLength: 40)
                state.rememberVersion(version, of: session)
                state.countVersion(version)
            }
        case "server/discover":
            if let info = Self.peerInfo(result["_meta"]?[Self.serverInfoKey]) { state.server.implementation = info }
            if case .array(let versions)? = result["supportedVersions"] {
                state.server.supportedVersions = versions.prefix(8).compactMap {
                    $0.stringValue.map { DisplayText.singleLine($0, maxLength: 40) }
                }
            }
        case "tools/list":
            if state.readingOversized {
                state.count("tools_list_too_long")
                state.surface.listUnreadable(at: Date().timeIntervalSince1970)
                return
            }
            // A round that asks for input is no list (counted as a protocol issue of its own); any other
            // answer is judged, whatever else it says of itself.
            if result["resultType"]?.stringValue != "input_required" {
                for problem in state.surface.take(result, at: Date().timeIntervalSince1970) {
                    state.count(problem.rawValue)
                }
            }
            guard case .array(let tools)? = result["tools"] else { return }
            for tool in tools.prefix(collector.configuration.maxTools) {
                guard let name = tool["name"]?.stringValue, let hints = tool["annotations"] else { continue }
                state.annotations[LabelSanitizer.sanitize(name)] = ToolAnnotations(
                    title: (hints["title"]?.stringValue ?? tool["title"]?.stringValue).map {
                        DisplayText.singleLine($0, maxLength: 80)
                    },
                    readOnlyHint: hints["readOnlyHint"]?.boolValue,
                    destructiveHint: hints["destructiveHint"]?.boolValue,
                    idempotentHint: hints["idempotentHint"]?.boolValue,
                    openWorldHint: hints["openWorldHint"]?.boolValue
                )
            }
        default:
            return
        }
    }

    static func peerInfo(_ value: JSONValue?) -> MCPPeerInfo? {
        guard let name = value?["name"]?.stringValue else { return nil }
        return MCPPeerInfo(
            name: DisplayText.singleLine(name, maxLength: 80),
            version: value?["version"]?.stringValue.flatMap {
                $0.isEmpty ? nil : DisplayText.singleLine($0, maxLength: 40)
            }
        )
    }
}
