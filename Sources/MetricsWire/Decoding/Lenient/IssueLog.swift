/// Collects the issues of one decode; every lenient reader of it adds to the same log.
///
/// Keeps at most `limit` issues (a document with 10 000 broken tools must not produce 10 000 strings) but
/// counts them all, and remembers every tool and cache that had one.
final class IssueLog: Sendable {
    struct State {
        var issues: [DataIssue] = []
        var total = 0
        var tools: Set<String> = []
        var caches: Set<String> = []
    }

    let limit: Int
    private let state = Guarded(State())

    init(limit: Int) {
        self.limit = limit
    }

    func add(_ issue: DataIssue) {
        state.withLock { state in
            state.total += 1
            if let tool = issue.tool { state.tools.insert(tool) }
            if let cache = issue.cache { state.caches.insert(cache) }
            if state.issues.count < limit { state.issues.append(issue) }
        }
    }

    var result: State { state.withLock { $0 } }
}
