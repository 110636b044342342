import AsyncHTTPClient
import Foundation
import MetricsWire

/// The mutable state of a ``MetricsPoller``, always used under its lock.
struct PollerCore {
    var interval: Duration
    var latest: PolledSnapshot?
    var latestReceivedAt: Duration?
    var derived: DerivedMetrics?
    var history: MetricsHistory
    var lastError: PollError?
    var consecutiveFailures = 0
    var nextAttemptAt: Duration?
    var polls = 0
    var successes = 0
    var announced: ConnectionStatus = .connecting
    var running = false
    var client: HTTPClient?

    init(configuration: PollerConfiguration) {
        interval = configuration.interval
        history = MetricsHistory(length: configuration.historyLength, maxTools: configuration.maxTrackedTools)
    }

    func status(now: Duration, staleAfter: Duration) -> ConnectionStatus {
        if let error = lastError {
            let next = max(.zero, (nextAttemptAt ?? now) - now)
            return error.isIncompatible
                ? .incompatible(error: error, attempt: consecutiveFailures, nextTryIn: next)
                : .reconnecting(attempt: consecutiveFailures, nextTryIn: next, error: error)
        }
        guard let received = latestReceivedAt else { return .connecting }
        let age = now - received
        return age > staleAfter ? .stale(lastGoodAge: age) : .connected
    }

    /// The status event to send if the situation changed since the last one announced.
    mutating func announce(now: Duration, staleAfter: Duration) -> PollerEvent? {
        let current = status(now: now, staleAfter: staleAfter)
        guard !current.sameSituation(as: announced) else { return nil }
        announced = current
        return .status(current)
    }

    /// Takes a good answer in; returns the events to send.
    mutating func succeeded(with polled: PolledSnapshot, now: Duration, staleAfter: Duration) -> [PollerEvent] {
        polls += 1
        successes += 1
        var newData = true
        if let fleet = polled.snapshot.fleet {
            // Prometheus computed the rates over its window; deltas between polls would only see scrapes.
            derived = DerivedMetrics(fleet: fleet)
        } else if let previous = latest, let previousAt = latestReceivedAt {
            if previous.snapshot.timestamp == polled.snapshot.timestamp {
                newData = false
            } else {
                derived = DerivedMetrics.between(
                    previous.decoded,
                    polled.decoded,
                    receivedInterval: (now - previousAt).inSeconds
                )
            }
        }
        if newData { history.record(polled.decoded, derived: derived, at: polled.receivedAt) }
        latest = polled
        latestReceivedAt = now
        lastError = nil
        consecutiveFailures = 0
        nextAttemptAt = nil
        var events: [PollerEvent] = []
        if let status = announce(now: now, staleAfter: staleAfter) { events.append(status) }
        if newData { events.append(.snapshot(polled, derived: derived)) }
        return events
    }

    /// Takes a failure in and schedules the next attempt; returns the events to send and the wait.
    mutating func failed(
        with error: PollError,
        now: Duration,
        backoff: BackoffPolicy,
        random: Double,
        staleAfter: Duration
    ) -> (events: [PollerEvent], delay: Duration) {
        polls += 1
        consecutiveFailures += 1
        lastError = error
        let delay = backoff.delay(afterFailures: consecutiveFailures, random: random)
        nextAttemptAt = now + delay
        return (announce(now: now, staleAfter: staleAfter).map { [$0] } ?? [], delay)
    }

    func state(target: MetricsTarget, now: Duration, staleAfter: Duration) -> PollerState {
        PollerState(
            target: target,
            status: status(now: now, staleAfter: staleAfter),
            latest: latest,
            derived: derived,
            history: history,
            lastGoodAge: latestReceivedAt.map { now - $0 },
            lastError: lastError,
            consecutiveFailures: consecutiveFailures,
            polls: polls,
            successes: successes,
            interval: interval
        )
    }
}
