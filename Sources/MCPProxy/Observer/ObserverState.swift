import Engine
import MetricsWire

/// A request awaiting its response.
struct PendingRequest {
    var method: String
    var id: RPCID
    /// The tool, for `tools/call`.
    var tool: String?
    var start: ContinuousClock.Instant
    var progressToken: RPCID?
    var progress: Double?
    var total: Double?
    var message: String?
    /// Where to store a successful result, for a call of a cached tool that missed.
    var cacheKey: ResponseCacheKey?
    var cacheTTL: Duration?
    /// For a request that may take several rounds: its tool or prompt name, or URI.
    var target: String?
    /// The earlier rounds of the call this request continues (it carried their `requestState`).
    var earlier: EarlierRounds?
    /// What its span needs (kept only when spans are made): the caller's trace context, the protocol
    /// version, the call it is a round of, its progress notifications.
    var trace: TraceParent?
    var session = ""
    var version: String?
    var call = 0
    var progressMarks: [ProgressMark] = []
    /// The call's arguments, for its span (`--otlp-payloads`).
    var arguments: String?
}

/// A response that arrived before its request was observed: the server's requests are observed after they
/// are forwarded, so the thread relaying the client's answer can get there first.
struct EarlyResponse {
    var outcome: RPCOutcome
    var instant: ContinuousClock.Instant
}

/// Who sent a message, and in which session: ids are unique per sender and session. Over stdio there is
/// one session (`""`); over HTTP each `Mcp-Session-Id` is one.
struct Lane: Hashable {
    var side: RPCSide
    var session: String

    /// The other side of the same session.
    var peer: Lane { Lane(side: side.peer, session: session) }
}

/// Everything the observer tracks, behind its lock.
struct ObserverState {
    /// Requests each side sent, awaiting the other side's response.
    var pending: [Lane: [RPCID: PendingRequest]] = [:]
    /// Progress tokens each side's requests carry, to the request's id.
    var progressTokens: [Lane: [RPCID: RPCID]] = [:]
    /// Ids each side cancelled recently: a late response to one is expected, not a violation.
    var cancelled: [Lane: Set<RPCID>] = [:]
    /// Responses to requests of each side that were not seen yet, by id.
    var early: [Lane: [RPCID: EarlyResponse]] = [:]
    /// No early response is older than this (it may be younger: a matched one is not looked for), so most
    /// calls of ``expireEarly(now:)`` look at nothing.
    var earlyOldest: ContinuousClock.Instant?
    var failures = FailureLog(capacity: MCPMetrics.maxListed)
    var annotations: [String: ToolAnnotations] = [:]
    /// The server's tools as its latest `tools/list` gave them, and their changes.
    var surface = ToolSurfaceState()
    /// Set while an answer too long to parse whole is handled: what it says is not all it says.
    var readingOversized = false
    var issues: [String: Int] = [:]
    var server: MCPServerStatus
    /// Whether the client's `initialize` was seen (an MCP session is open until the server exits).
    var sessionOpen = false
    /// The MCP sessions (`Mcp-Session-Id`) the client used and that did not end, when sessions are counted by id.
    var sessions: Set<String> = []
    /// Calls waiting for the client's retry, by the `requestState` their last round's answer carried.
    var openRounds: [RoundKey: OpenRound] = [:]
    /// Streams open now, and the counts of all since start.
    var streams: [StreamKey: StreamState] = [:]
    var streamTotals = StreamTotals()
    /// Messages tagged with a listen's id that came before the listen was observed, by stream.
    var earlyEvents: [StreamKey: [String]] = [:]
    var nextStream = 0
    /// Client requests by protocol version; a handshake-era session's version, by session.
    var requestsByVersion: [String: Int] = [:]
    var sessionVersions: [String: String] = [:]
    /// The client closed its side (stdio): no retry can come any more.
    var clientClosed = false
    /// Calls numbered so far (their spans' rounds link to the first round's).
    var calls = 0

    /// At most this many requests are tracked per side and session; more are relayed and counted as
    /// `untracked`.
    static let maxPending = 100_000
    /// At most this many cancelled ids are remembered per side.
    static let maxCancelled = 1024
    /// At most this many early responses wait per side for their request: a client that sends hundreds of
    /// requests at once has them answered before the relay, which writes first, has looked at them.
    static let maxEarly = 4096
    /// At most this many of them are kept whole (each at most 64 KiB).
    static let maxEarlyWhole = 256
    /// An early response whose request has not shown up after this long was a stray.
    static let earlyPatience: Duration = .seconds(1)

    init(server: MCPServerStatus) {
        self.server = server
    }

    /// Whether the client of `session` sent a `tools/list` in the last ``listPatience`` that is waiting for its
    /// answer (or whose answer was relayed and is not looked at yet): under `--tools-policy block` its calls
    /// wait for it rather than be judged by the list before.
    func isListingTools(session: String, now: ContinuousClock.Instant) -> Bool {
        pending[Lane(side: .client, session: session)]?.values.contains {
            $0.method == "tools/list" && now - $0.start < Self.listPatience
        } ?? false
    }

    /// How long a call waits for a `tools/list` on its way; past it, the list before judges.
    static let listPatience: Duration = .seconds(10)

    mutating func count(_ issue: String, _ times: Int = 1) {
        guard times > 0 else { return }
        issues[issue, default: 0] += times
    }

    /// Keeps a response whose request is not known (yet), `whole` or only what it says of failure and rounds;
    /// old ones are counted as unmatched.
    mutating func keepEarly(
        _ outcome: RPCOutcome,
        whole: Bool,
        id: RPCID,
        for lane: Lane,
        at instant: ContinuousClock.Instant
    ) {
        expireEarly(now: instant)
        if (early[lane]?.count ?? 0) >= Self.maxEarly {
            count("unmatched_response", early[lane]?.count ?? 0)
            early[lane] = [:]
        }
        // A large body is never kept, nor more than ``maxEarlyWhole`` bodies: only what a result says about
        // failure and rounds.
        var kept = outcome
        if !whole || (early[lane]?.count ?? 0) >= Self.maxEarlyWhole, case .result(.object(let members)) = outcome {
            let telling: Set<String> = ["isError", "resultType", "requestState"]
            kept = .result(
                .object(
                    members.filter { telling.contains($0.key) }.map {
                        JSONMember(key: $0.key, value: $0.value, range: 0..<0)
                    }
                )
            )
        }
        early[lane, default: [:]][id] = EarlyResponse(outcome: kept, instant: instant)
        earlyOldest = min(earlyOldest ?? instant, instant)
    }

    /// Counts early responses older than the patience as unmatched.
    mutating func expireEarly(now: ContinuousClock.Instant) {
        guard let oldest = earlyOldest, now - oldest > Self.earlyPatience else { return }
        defer { earlyOldest = early.values.lazy.flatMap { $0.values.map(\.instant) }.min() }
        for (lane, waiting) in early {
            let stale = waiting.filter { now - $0.value.instant > Self.earlyPatience }
            guard !stale.isEmpty else { continue }
            count("unmatched_response", stale.count)
            if stale.count == waiting.count {
                early[lane] = nil
            } else {
                for id in stale.keys { early[lane]?[id] = nil }
            }
        }
    }

    /// Removes the request `id` that `lane` sent (and its progress token); a lane left empty goes too, so
    /// sessions that ended leave nothing behind.
    mutating func removePending(_ id: RPCID, of lane: Lane) -> PendingRequest? {
        guard let request = pending[lane]?.removeValue(forKey: id) else { return nil }
        if pending[lane]?.isEmpty == true { pending[lane] = nil }
        if let token = request.progressToken {
            progressTokens[lane]?[token] = nil
            if progressTokens[lane]?.isEmpty == true { progressTokens[lane] = nil }
        }
        return request
    }

    /// Forgets everything about `session`: its waiting requests are returned (oldest first).
    mutating func endSession(_ session: String) -> [(RPCSide, PendingRequest)] {
        var ended: [(RPCSide, PendingRequest)] = []
        for side in [RPCSide.client, .server] {
            let lane = Lane(side: side, session: session)
            ended += (pending.removeValue(forKey: lane) ?? [:]).values.map { (side, $0) }
            progressTokens[lane] = nil
            cancelled[lane] = nil
            if let stray = early.removeValue(forKey: lane) { count("unmatched_response", stray.count) }
        }
        sessionVersions[session] = nil
        return ended.sorted { $0.1.start < $1.1.start }
    }
}

/// The latest failures, newest first, in a fixed amount of memory.
struct FailureLog {
    let capacity: Int
    private var entries: [CallFailure] = []
    private var next = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func append(_ failure: CallFailure) {
        if entries.count < capacity {
            entries.append(failure)
        } else {
            entries[next] = failure
        }
        next = (next + 1) % capacity
    }

    /// Newest first.
    var newestFirst: [CallFailure] {
        guard entries.count == capacity else { return entries.reversed() }
        return (entries[next...] + entries[..<next]).reversed()
    }
}
