import Engine
import Foundation
import MetricsWire

extension ProxyObserver {
    /// The `_meta` keys of a 2026-07-28 client's and server's identity.
    static let clientInfoKey = "io.modelcontextprotocol/clientInfo"
    static let serverInfoKey = "io.modelcontextprotocol/serverInfo"

    /// Where a request's calls are recorded: its tool's, or its method's (the client's or the server's).
    func recorder(method: String, tool: String?, fromServer: Bool) -> ToolRecorder {
        if let tool, !fromServer { return collector.tool(tool) }
        return collector.method(method, fromServer: fromServer)
    }

    /// Counts a call whose retry never came: not a call of the server's, not its failure.
    func abandon(_ round: OpenRound) {
        recorder(method: round.method, tool: round.tool, fromServer: false).recordAbandoned(rounds: round.rounds.count)
    }

    /// Abandons the open rounds `shouldEnd` selects.
    func abandonRounds(_ state: inout ObserverState, where shouldEnd: (RoundKey, OpenRound) -> Bool) {
        for round in state.takeRounds(where: shouldEnd) { abandon(round) }
    }

    /// The listen stream a server message belongs to, by the subscription id in its `_meta`.
    static func stream(of params: JSONValue?, session: String) -> StreamKey? {
        guard let meta = params?["_meta"], let id = RPCID(meta[ObserverState.subscriptionKey]) else { return nil }
        return .listen(session: session, id: id)
    }

    /// The server's answer `id` ended a listen stream (gracefully; an error answer refused it and is listed
    /// with the failures). Returns whether `id` was an open listen stream.
    func listenEnded(
        _ id: RPCID,
        _ outcome: RPCOutcome,
        session: String,
        at instant: ContinuousClock.Instant,
        _ state: inout ObserverState
    ) -> Bool {
        let key = StreamKey.listen(session: session, id: id)
        guard let opened = state.streams[key]?.opened, state.closeStream(key, abruptly: false, at: instant) else {
            return false
        }
        if case .error = outcome, let errorType = outcome.errorType(isToolCall: false) {
            state.failures.append(
                CallFailure(
                    time: Date().timeIntervalSince1970,
                    method: "subscriptions/listen",
                    errorType: errorType,
                    message: DisplayText.singleLine(outcome.failureMessage, maxLength: 200),
                    latencyMs: MetricsRounding.twoDecimals((instant - opened).inMilliseconds)
                )
            )
        }
        return true
    }

    /// The client closed its side (stdio: its stdin ended): no retry can come, so calls waiting for one are
    /// abandoned.
    public func clientClosed(at instant: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.clientClosed = true
            abandonRounds(&state) { _, _ in true }
        }
    }

    /// Ends the listen streams among the client's requests `ids` of `session` (HTTP: their answer stream
    /// ended); `abruptly` when the upstream ended it without the closing answer, not when the client left.
    public func streamsEnded(
        _ ids: [RPCID],
        session: String,
        abruptly: Bool,
        at instant: ContinuousClock.Instant = .now
    ) {
        guard !ids.isEmpty else { return }
        state.withLock { state in
            for id in ids { state.closeStream(.listen(session: session, id: id), abruptly: abruptly, at: instant) }
        }
    }

    /// A handshake-era GET SSE stream opened in `session`; returns its number for ``getStreamEnded(_:at:)``
    /// and for the messages observed on it.
    public func getStreamOpened(session: String, at instant: ContinuousClock.Instant = .now) -> Int {
        state.withLock { state in
            state.nextStream += 1
            state.openStream(.get(state.nextStream), at: instant)
            return state.nextStream
        }
    }

    /// The GET SSE stream `number` ended.
    public func getStreamEnded(_ number: Int, at instant: ContinuousClock.Instant = .now) {
        state.withLock { _ = $0.closeStream(.get(number), abruptly: false, at: instant) }
    }

    /// Ends what the server's exit ends: open rounds are abandoned, streams closed (abruptly, unless the
    /// client had closed its side first).
    func serverGone(_ state: inout ObserverState, at instant: ContinuousClock.Instant) {
        abandonRounds(&state) { _, _ in true }
        for key in state.streams.keys {
            state.closeStream(key, abruptly: !state.clientClosed, at: instant)
        }
    }
}
