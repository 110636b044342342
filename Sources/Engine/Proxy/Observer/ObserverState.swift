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

/// Everything the observer tracks, behind its lock.
struct ObserverState {
    /// Requests each side sent, awaiting the other side's response.
    var pending: [RPCSide: [RPCID: PendingRequest]] = [.client: [:], .server: [:]]
    /// Progress tokens each side's requests carry, to the request's id.
    var progressTokens: [RPCSide: [RPCID: RPCID]] = [.client: [:], .server: [:]]
    /// Ids each side cancelled recently: a late response to one is expected, not a violation.
    var cancelled: [RPCSide: Set<RPCID>] = [.client: [], .server: []]
    var failures = FailureLog(capacity: MCPMetrics.maxListed)
    var annotations: [String: ToolAnnotations] = [:]
    var issues: [String: Int] = [:]
    var server: MCPServerStatus

    /// At most this many requests are tracked per side; more are relayed and counted as `untracked`.
    static let maxPending = 100_000
    /// At most this many cancelled ids are remembered per side.
    static let maxCancelled = 1024

    init(server: MCPServerStatus) {
        self.server = server
    }

    mutating func count(_ issue: String) {
        issues[issue, default: 0] += 1
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
