import AsyncHTTPClient
import MetricsWire

/// Somewhere other than one engine's `/metrics` that a ``MetricsPoller`` can read snapshots from, such
/// as ``FleetSource`` (a fleet through Prometheus). The poller keeps its status, backoff, rates and
/// history the same way for either.
public protocol SnapshotSource: Sendable {
    /// The address shown for the source and used as the poller's ``MetricsPoller/target``.
    var target: MetricsTarget { get }

    /// Reads one snapshot; `interval` is the poller's current refresh interval.
    func poll(
        using client: HTTPClient,
        configuration: PollerConfiguration,
        interval: Duration
    ) async throws(PollError) -> PolledSnapshot
}
