/// A snapshot as decoded from a server, with what had to be flagged on the way.
public struct DecodedSnapshot: Sendable, Equatable {
    /// The snapshot; flagged values hold safe stand-ins (see ``issues``).
    public var snapshot: MetricsSnapshot
    /// The first problems found, up to the decoder's limit.
    public var issues: [DataIssue]
    /// How many problems were found in all, including those beyond the limit of ``issues``.
    public var issueCount: Int
    /// Tools with at least one flagged value; their rates are not computed for the interval.
    public var flaggedTools: Set<String>
    /// Caches with at least one flagged value; their interval hit rates are not computed.
    public var flaggedCaches: Set<String>

    /// Creates a decoded snapshot.
    public init(
        snapshot: MetricsSnapshot,
        issues: [DataIssue] = [],
        issueCount: Int? = nil,
        flaggedTools: Set<String> = [],
        flaggedCaches: Set<String> = []
    ) {
        self.snapshot = snapshot
        self.issues = issues
        self.issueCount = issueCount ?? issues.count
        self.flaggedTools = flaggedTools
        self.flaggedCaches = flaggedCaches
    }
}
