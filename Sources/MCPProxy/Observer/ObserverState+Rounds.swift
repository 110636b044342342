import Engine
import MetricsWire

/// The rounds a multi-round call (MCP 2026-07-28) has taken so far.
struct EarlierRounds {
    /// Rounds answered.
    var count = 0
    /// The rounds' own times (request to answer), summed.
    var serverTime: Duration = .zero
    /// The time between each answer and the client's retry, summed.
    var inputWait: Duration = .zero
    /// The call's number (``ObserverState/calls``).
    var call = 0
}

/// A call whose last round was answered `input_required`: it goes on when the client retries with the
/// answer's `requestState`.
struct OpenRound {
    var method: String
    /// The tool or prompt name, or the resource's URI: a retry must be of the same.
    var target: String?
    /// The tool, for `tools/call`.
    var tool: String?
    var rounds: EarlierRounds
    /// When the round's answer reached the client.
    var answeredAt: ContinuousClock.Instant
}

/// Where an open round is found: its session and the `requestState` its answer carried (the retry echoes
/// it). A round answered without one is found by method and target instead (``stateless(_:_:)``).
struct RoundKey: Hashable {
    var session: String
    var state: String

    /// The key of a round answered without `requestState`.
    static func stateless(session: String, method: String, target: String?) -> RoundKey {
        RoundKey(session: session, state: "\u{0}\(method)\u{0}\(target ?? "")")
    }
}

extension ObserverState {
    /// The requests a server may answer `input_required` (MCP 2026-07-28, multi round-trip requests).
    static let multiRoundMethods: Set<String> = ["tools/call", "prompts/get", "resources/read"]
    /// A round whose retry has not come after this long is abandoned.
    static let roundPatience: Duration = .seconds(600)
    /// At most this many rounds wait for their retry; past that the oldest is abandoned.
    static let maxOpenRounds = 10_000

    /// What a request of `method` is about, to match a retry to its round: the tool or prompt name, or the URI.
    static func target(of method: String, _ params: JSONValue?) -> String? {
        method == "resources/read" ? params?["uri"]?.stringValue : params?["name"]?.stringValue
    }

    /// The earlier rounds of the call a request of `method` continues, when it carries `requestState` or
    /// `inputResponses`; the open round is taken. A retry no round answered is counted as an issue and
    /// starts a call of its own.
    mutating func continueRound(
        _ method: String,
        target: String?,
        params: JSONValue?,
        session: String,
        at instant: ContinuousClock.Instant
    ) -> EarlierRounds? {
        let requestState = params?["requestState"]
        guard requestState != nil || params?["inputResponses"] != nil else { return nil }
        let key: RoundKey
        if case .string(let text)? = requestState {
            key = RoundKey(session: session, state: text)
        } else {
            if requestState != nil { count("invalid_request_state") }
            key = .stateless(session: session, method: method, target: target)
        }
        guard let round = openRounds[key] else {
            count("unknown_request_state")
            return nil
        }
        guard round.method == method, round.target == target else {
            count("request_state_mismatch")
            return nil
        }
        openRounds[key] = nil
        var earlier = round.rounds
        earlier.inputWait += max(.zero, instant - round.answeredAt)
        return earlier
    }

    /// What a result's `resultType` says: whether it ends a round of a call that goes on. A type that is
    /// not a string is counted and read as `complete`, as are types of extensions.
    mutating func asksForInput(_ result: JSONValue, method: String) -> Bool {
        switch result["resultType"] {
        case nil: return false
        case .string(let type)?:
            guard type == "input_required" else { return false }
            guard Self.multiRoundMethods.contains(method) else {
                count("unexpected_input_required")
                return false
            }
            return true
        default:
            count("invalid_result_type")
            return false
        }
    }

    /// Keeps the call `request` open after its round was answered `input_required` with `result`; returns
    /// the round it displaced, if any (a second round answered without state for the same target, or the
    /// oldest one past ``maxOpenRounds``), to be abandoned.
    mutating func openRound(
        after request: PendingRequest,
        result: JSONValue,
        session: String,
        at instant: ContinuousClock.Instant
    ) -> OpenRound? {
        var rounds = request.earlier ?? EarlierRounds()
        rounds.call = request.call
        rounds.count += 1
        rounds.serverTime += max(.zero, instant - request.start)
        let key: RoundKey
        if case .string(let text)? = result["requestState"] {
            key = RoundKey(session: session, state: text)
        } else {
            count("input_required_without_state")
            key = .stateless(session: session, method: request.method, target: request.target)
        }
        var displaced = openRounds.removeValue(forKey: key)
        if displaced == nil, openRounds.count >= Self.maxOpenRounds,
            let oldest = openRounds.min(by: { $0.value.answeredAt < $1.value.answeredAt })
        {
            displaced = openRounds.removeValue(forKey: oldest.key)
        }
        openRounds[key] = OpenRound(
            method: request.method,
            target: request.target,
            tool: request.tool,
            rounds: rounds,
            answeredAt: instant
        )
        return displaced
    }

    /// Takes the open rounds that `shouldEnd` selects.
    mutating func takeRounds(where shouldEnd: (RoundKey, OpenRound) -> Bool) -> [OpenRound] {
        guard !openRounds.isEmpty else { return [] }
        let ended = openRounds.filter { shouldEnd($0.key, $0.value) }
        for key in ended.keys { openRounds[key] = nil }
        return Array(ended.values)
    }
}
