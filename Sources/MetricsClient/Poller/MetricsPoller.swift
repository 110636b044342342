import AsyncHTTPClient
import Foundation
import MetricsWire

/// Watches one metrics endpoint: polls `GET /metrics` on an interval and keeps what a UI shows.
///
/// ```swift
/// let poller = MetricsPoller(target: try MetricsTarget(parsing: "127.0.0.1:9109"))
/// let polling = Task { await poller.run() }
/// for await _ in poller.events() {
///     let state = poller.state          // status, last good snapshot, rates, sparkline history
///     render(state)
/// }
/// ```
///
/// Each poll has a deadline over the whole exchange (``PollerConfiguration/requestTimeout``) and a body
/// cap (``PollerConfiguration/maxResponseBytes``); redirects are not followed. After a failure it retries
/// with exponential backoff and jitter (``BackoffPolicy``), and returns to the normal interval by itself as
/// soon as the server answers well. A failed poll never discards data: the last good snapshot stays in
/// ``PollerState/latest``, marked stale.
public final class MetricsPoller: Sendable {
    /// The endpoint watched.
    public let target: MetricsTarget
    /// How it polls.
    public let configuration: PollerConfiguration
    let clock: PollerClock
    let decoder: SnapshotDecoder
    let core: Guarded<PollerCore>
    let broadcaster = EventBroadcaster()
    /// Where snapshots come from when not `target`'s `/metrics`.
    let source: (any SnapshotSource)?

    /// Creates a poller; nothing happens until ``run()`` or ``pollOnce()``.
    public init(target: MetricsTarget, configuration: PollerConfiguration = .init(), clock: PollerClock = .continuous) {
        self.target = target
        self.configuration = configuration
        self.clock = clock
        self.decoder = SnapshotDecoder(issueLimit: configuration.issueLimit)
        self.core = Guarded(PollerCore(configuration: configuration))
        self.source = nil
    }

    /// Creates a poller that reads `source` (a fleet through Prometheus, for example) instead of one
    /// engine's `/metrics`; ``target`` is the source's address.
    public init(
        source: some SnapshotSource,
        configuration: PollerConfiguration = .init(),
        clock: PollerClock = .continuous
    ) {
        self.target = source.target
        self.configuration = configuration
        self.clock = clock
        self.decoder = SnapshotDecoder(issueLimit: configuration.issueLimit)
        self.core = Guarded(PollerCore(configuration: configuration))
        self.source = source
    }

    deinit {
        broadcaster.finishAll()
    }

    /// The state now: status (with current ages and countdowns), last good snapshot, rates and history.
    public var state: PollerState {
        let now = clock.now()
        return core.withLock { core in
            core.state(target: target, now: now, staleAfter: configuration.staleThreshold(interval: core.interval))
        }
    }

    /// The connection status now, with current ages and countdowns: ``state``'s without copying the rest.
    public var status: ConnectionStatus {
        let now = clock.now()
        return core.withLock { core in
            core.status(now: now, staleAfter: configuration.staleThreshold(interval: core.interval))
        }
    }

    /// Polls finished so far: a cheap way to learn that ``state`` has something new.
    public var pollsFinished: Int {
        core.withLock { $0.polls }
    }

    /// A stream of status changes and new snapshots. Each call makes a new stream; a reader that falls
    /// behind by more than `bufferSize` events loses the oldest. Streams end when the poller is released.
    public func events(bufferSize: Int = 64) -> AsyncStream<PollerEvent> {
        broadcaster.stream(bufferSize: bufferSize)
    }

    /// The time between polls while the server answers well.
    public var interval: Duration {
        core.withLock { $0.interval }
    }

    /// Changes the polling interval (at least 10 ms); takes effect from the next poll.
    public func setInterval(_ interval: Duration) {
        core.withLock { $0.interval = max(interval, .milliseconds(10)) }
    }

    /// Polls until the task is cancelled. A second concurrent call returns at once.
    public func run() async {
        let started = core.withLock { core in
            guard !core.running else { return false }
            core.running = true
            return true
        }
        guard started else { return }
        let client = MetricsFetcher.makeClient(requestTimeout: configuration.requestTimeout)
        core.withLock { $0.client = client }
        while !Task.isCancelled {
            let cycleStart = clock.now()
            let outcome: Result<PolledSnapshot, Failure>
            do {
                outcome = try await watchingStaleness { await self.poll(using: client) }
            } catch {
                break
            }
            let wait: Duration
            switch outcome {
            case .success:
                let interval = core.withLock { $0.interval }
                wait = max(.zero, cycleStart + interval - clock.now())
            case .failure(let failure):
                wait = failure.delay
            }
            do {
                try await watchingStaleness { try await self.clock.sleep(wait) }
            } catch {
                break
            }
        }
        core.withLock { core in
            core.client = nil
            core.running = false
        }
        try? await client.shutdown()
    }

    /// Polls once now and updates the state as a scheduled poll would; for one-shot use (a CLI) or to
    /// refresh at once after a control call.
    @discardableResult
    public func pollOnce() async -> Result<PolledSnapshot, PollError> {
        if let client = core.withLock({ $0.client }) {
            return await poll(using: client).mapError(\.error)
        }
        let client = MetricsFetcher.makeClient(requestTimeout: configuration.requestTimeout)
        let result = await poll(using: client).mapError(\.error)
        try? await client.shutdown()
        return result
    }
}
