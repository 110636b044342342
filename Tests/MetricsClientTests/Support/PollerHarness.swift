import MetricsClient
import MetricsWire

/// A poller running in the background for one test, with fast settings and waiting helpers.
final class PollerHarness: Sendable {
    static let fast = PollerConfiguration(
        interval: .milliseconds(50),
        requestTimeout: .milliseconds(400),
        backoff: BackoffPolicy(initial: .milliseconds(50), maximum: .milliseconds(200), jitter: 0),
        historyLength: 20,
        maxTrackedTools: 50
    )

    let poller: MetricsPoller
    /// The poller's events from before its first poll, so that none is missed.
    let events: AsyncStream<PollerEvent>
    private let task: Task<Void, Never>

    init(_ address: String, configuration: PollerConfiguration = PollerHarness.fast) throws {
        poller = MetricsPoller(target: try MetricsTarget(parsing: address), configuration: configuration)
        events = poller.events()
        let poller = self.poller
        task = Task { await poller.run() }
    }

    var state: PollerState { poller.state }

    /// Waits until the state satisfies `condition`; returns the time it took, or `nil` on timeout.
    @discardableResult
    func wait(
        upTo limit: Duration = .seconds(10),
        for condition: (PollerState) -> Bool
    ) async -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if condition(poller.state) { return ContinuousClock.now - start }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}

extension PollerState {
    var failureCode: PollError.Code? { status.error?.code }
}
