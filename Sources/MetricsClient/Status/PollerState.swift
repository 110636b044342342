import MetricsWire

/// Everything a UI needs about one endpoint at one instant, read synchronously from ``MetricsPoller/state``.
///
/// Data never disappears on a failed poll: ``latest`` keeps the last good snapshot and ``isStale`` says
/// that it is old.
public struct PollerState: Sendable {
    /// The endpoint watched.
    public var target: MetricsTarget
    /// The connection status, with ages and countdowns computed at the time of reading.
    public var status: ConnectionStatus
    /// The last good snapshot.
    public var latest: PolledSnapshot?
    /// The rates between the last two good snapshots.
    public var derived: DerivedMetrics?
    /// Series for sparklines.
    public var history: MetricsHistory
    /// How long ago ``latest`` arrived.
    public var lastGoodAge: Duration?
    /// The failure of the last poll, `nil` when it succeeded.
    public var lastError: PollError?
    /// Consecutive failed polls.
    public var consecutiveFailures: Int
    /// Polls finished so far.
    public var polls: Int
    /// Polls that produced a snapshot.
    public var successes: Int
    /// The current polling interval.
    public var interval: Duration

    /// Whether ``latest`` is older than it should be: the status is anything but connected.
    public var isStale: Bool {
        latest != nil && !status.isConnected
    }

    /// A line for a header: the status, plus the age of the data shown when it is stale.
    public var summary: String {
        guard isStale, let lastGoodAge else { return status.description }
        if case .stale = status { return status.description }
        return status.description + " — showing data from \(Format.duration(lastGoodAge)) ago"
    }
}
