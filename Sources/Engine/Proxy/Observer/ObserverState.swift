import MetricsClient

/// A request awaiting its response.
struct PendingRequest {
    var method: String
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
}

/// A response that arrived before its request was observed: the server's requests are observed after they
/// are forwarded, so the thread relaying the client's answer can get there first.
struct EarlyResponse {
    var outcome: RPCOutcome
    var instant: ContinuousClock.Instant
}

/// Everything the observer tracks, behind its lock.
struct ObserverState {
    /// Requests each side sent, awaiting the other side's response.
    var pending: [RPCSide: [RPCID: PendingRequest]] = [.client: [:], .server: [:]]
    /// Progress tokens each side's requests carry, to the request's id.
    var progressTokens: [RPCSide: [RPCID: RPCID]] = [.client: [:], .server: [:]]
    /// Ids each side cancelled recently: a late response to one is expected, not a violation.
    var cancelled: [RPCSide: Set<RPCID>] = [.client: [], .server: []]
    /// Responses to requests of each side that were not seen yet, by id.
    var early: [RPCSide: [RPCID: EarlyResponse]] = [.client: [:], .server: [:]]
    var failures = FailureLog(capacity: MCPMetrics.maxListed)
    var annotations: [String: ToolAnnotations] = [:]
    var issues: [String: Int] = [:]
    var server: MCPServerStatus
    /// Whether the client's `initialize` was seen (an MCP session is open until the server exits).
    var sessionOpen = false

    /// At most this many requests are tracked per side; more are relayed and counted as `untracked`.
    static let maxPending = 100_000
    /// At most this many cancelled ids are remembered per side.
    static let maxCancelled = 1024
    /// At most this many early responses wait per side for their request.
    static let maxEarly = 256
    /// An early response whose request has not shown up after this long was a stray.
    static let earlyPatience: Duration = .seconds(1)

    init(server: MCPServerStatus) {
        self.server = server
    }

    mutating func count(_ issue: String, _ times: Int = 1) {
        guard times > 0 else { return }
        issues[issue, default: 0] += times
    }

    /// Keeps a response whose request is not known (yet); old ones are counted as unmatched.
    mutating func keepEarly(_ outcome: RPCOutcome, id: RPCID, for side: RPCSide, at instant: ContinuousClock.Instant) {
        expireEarly(now: instant)
        if (early[side]?.count ?? 0) >= Self.maxEarly {
            count("unmatched_response", early[side]?.count ?? 0)
            early[side] = [:]
        }
        // Only what a result says about failure is kept, never a large body.
        var kept = outcome
        if case .result(let result) = outcome {
            kept = .result(
                .object(result["isError"].map { [JSONMember(key: "isError", value: $0, range: 0..<0)] } ?? [])
            )
        }
        early[side]?[id] = EarlyResponse(outcome: kept, instant: instant)
    }

    /// Counts early responses older than the patience as unmatched.
    mutating func expireEarly(now: ContinuousClock.Instant) {
        for side in [RPCSide.client, .server] {
            guard let waiting = early[side], !waiting.isEmpty else { continue }
            let stale = waiting.filter { now - $0.value.instant > Self.earlyPatience }
            guard !stale.isEmpty else { continue }
            count("unmatched_response", stale.count)
            for id in stale.keys { early[side]?[id] = nil }
        }
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
