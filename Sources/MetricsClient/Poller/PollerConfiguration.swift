import MetricsWire

/// How a ``MetricsPoller`` polls: how often, how patiently, how much it accepts and remembers.
public struct PollerConfiguration: Sendable, Equatable {
    /// Time between the starts of two polls while the server answers well.
    @Clamped public var interval: Duration
    /// The longest a poll may take, from connecting to the last byte of the body.
    @Clamped public var requestTimeout: Duration
    /// The largest response body accepted; larger answers are refused as ``PollError/Code/tooLarge``.
    @Clamped public var maxResponseBytes: Int
    /// Waits between retries after failures.
    public var backoff: BackoffPolicy
    /// Data older than this is stale; `nil` means twice the interval.
    public var staleAfter: Duration?
    /// Points kept per history series (for sparklines).
    @Clamped public var historyLength: Int
    /// The most tools whose history is kept; the busiest are kept when a server reports more.
    @Clamped public var maxTrackedTools: Int
    /// The most issues kept per decoded snapshot (all are counted).
    @Clamped public var issueLimit: Int
    /// Sent as `Authorization: Bearer …` with every poll, for endpoints behind an authenticating proxy.
    public var bearerToken: String?

    /// Creates a configuration; every parameter has the default a dashboard wants.
    public init(
        interval: Duration = .seconds(1),
        requestTimeout: Duration = .seconds(5),
        maxResponseBytes: Int = 8 << 20,
        backoff: BackoffPolicy = BackoffPolicy(),
        staleAfter: Duration? = nil,
        historyLength: Int = 180,
        maxTrackedTools: Int = 500,
        issueLimit: Int = 100,
        bearerToken: String? = nil
    ) {
        self._interval = Clamped(wrappedValue: interval, .milliseconds(10)...)
        self._requestTimeout = Clamped(wrappedValue: requestTimeout, .milliseconds(10)...)
        self._maxResponseBytes = Clamped(wrappedValue: maxResponseBytes, 1...)
        self.backoff = backoff
        self.staleAfter = staleAfter
        self._historyLength = Clamped(wrappedValue: historyLength, 1...)
        self._maxTrackedTools = Clamped(wrappedValue: maxTrackedTools, 1...)
        self._issueLimit = Clamped(wrappedValue: issueLimit, 0...)
        self.bearerToken = bearerToken
    }

    /// The staleness threshold in effect for `interval`.
    func staleThreshold(interval: Duration) -> Duration {
        staleAfter ?? interval * 2
    }
}
