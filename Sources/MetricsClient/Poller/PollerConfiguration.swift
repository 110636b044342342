/// How a ``MetricsPoller`` polls: how often, how patiently, how much it accepts and remembers.
public struct PollerConfiguration: Sendable, Equatable {
    /// Time between the starts of two polls while the server answers well.
    public var interval: Duration
    /// The longest a poll may take, from connecting to the last byte of the body.
    public var requestTimeout: Duration
    /// The largest response body accepted; larger answers are refused as ``PollError/Code/tooLarge``.
    public var maxResponseBytes: Int
    /// Waits between retries after failures.
    public var backoff: BackoffPolicy
    /// Data older than this is stale; `nil` means twice the interval.
    public var staleAfter: Duration?
    /// Points kept per history series (for sparklines).
    public var historyLength: Int
    /// The most tools whose history is kept; the busiest are kept when a server reports more.
    public var maxTrackedTools: Int
    /// The most issues kept per decoded snapshot (all are counted).
    public var issueLimit: Int
    /// Sent as `Authorization: Bearer …` with every poll, for endpoints behind an authenticating proxy.
    public var bearerToken: String?

    /// Creates a configuration; every parameter has the default a dashboard wants.
    public init(
        interval: Duration = .seconds(1),
        requestTimeout: Duration = .seconds(5),
        maxResponseBytes: Int = 8 << 20,
        backoff: BackoffPolicy = BackoffPolicy(),
        staleAfter: Duration? = nil,
        historyLength: Int = 120,
        maxTrackedTools: Int = 500,
        issueLimit: Int = 100,
        bearerToken: String? = nil
    ) {
        self.interval = interval
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.backoff = backoff
        self.staleAfter = staleAfter
        self.historyLength = historyLength
        self.maxTrackedTools = maxTrackedTools
        self.issueLimit = issueLimit
        self.bearerToken = bearerToken
    }

    /// The staleness threshold in effect for `interval`.
    func staleThreshold(interval: Duration) -> Duration {
        staleAfter ?? interval * 2
    }
}
