import AsyncHTTPClient
import Foundation
import MetricsWire

extension MetricsPoller {
    /// A failed poll and the wait its backoff chose.
    struct Failure: Error {
        let error: PollError
        let delay: Duration
    }

    /// One fetch and decode, taken into the state; events are sent.
    func poll(using client: HTTPClient) async -> Result<PolledSnapshot, Failure> {
        if let source {
            let result: Result<PolledSnapshot, PollError>
            do {
                result = .success(
                    try await source.poll(using: client, configuration: configuration, interval: interval)
                )
            } catch {
                if Task.isCancelled { return .failure(Failure(error: error, delay: .zero)) }
                result = .failure(error)
            }
            return record(result)
        }
        let fetcher = MetricsFetcher(
            client: client,
            requestTimeout: configuration.requestTimeout,
            maxResponseBytes: configuration.maxResponseBytes,
            bearerToken: configuration.bearerToken
        )
        let url = target.metricsURL
        let result: Result<PolledSnapshot, PollError>
        do {
            let fetched = try await fetcher.fetch(url)
            let receivedAt = clock.wallTime()
            do {
                let decoded = try decoder.decode(
                    fetched.body,
                    contentType: fetched.contentType,
                    receivedAt: receivedAt.timeIntervalSince1970
                )
                result = .success(
                    PolledSnapshot(
                        decoded: decoded,
                        receivedAt: receivedAt,
                        responseTime: fetched.responseTime,
                        byteCount: fetched.body.count
                    )
                )
            } catch {
                var failure = error
                failure.url = url
                result = .failure(failure)
            }
        } catch {
            // Stopping the poller cancels the poll in flight; that says nothing about the server.
            if Task.isCancelled { return .failure(Failure(error: error, delay: .zero)) }
            result = .failure(error)
        }
        return record(result)
    }

    private func record(_ result: Result<PolledSnapshot, PollError>) -> Result<PolledSnapshot, Failure> {
        let now = clock.now()
        let random = Double.random(in: 0..<1)
        let (events, outcome): ([PollerEvent], Result<PolledSnapshot, Failure>) = core.withLock { core in
            let staleAfter = configuration.staleThreshold(interval: core.interval)
            switch result {
            case .success(let polled):
                return (core.succeeded(with: polled, now: now, staleAfter: staleAfter), .success(polled))
            case .failure(let error):
                let (events, delay) = core.failed(
                    with: error,
                    now: now,
                    backoff: configuration.backoff,
                    random: random,
                    staleAfter: staleAfter
                )
                return (events, .failure(Failure(error: error, delay: delay)))
            }
        }
        broadcaster.send(events)
        return outcome
    }

    /// Runs `operation` while announcing the moment the last good data turns stale, so a UI hears of a
    /// hung server before the request times out.
    func watchingStaleness<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                await self.announceStaleness()
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let value = next { return value }
            }
            preconditionFailure("the operation's task ended without a value")
        }
    }

    private func announceStaleness() async {
        let (due, staleAfter) = core.withLock { core -> (Duration?, Duration) in
            let staleAfter = configuration.staleThreshold(interval: core.interval)
            guard core.lastError == nil, let received = core.latestReceivedAt else { return (nil, staleAfter) }
            return (received + staleAfter, staleAfter)
        }
        guard let due else { return }
        let wait = due - clock.now()
        if wait > .zero {
            do { try await clock.sleep(wait + .milliseconds(1)) } catch { return }
        }
        let now = clock.now()
        let event = core.withLock { $0.announce(now: now, staleAfter: staleAfter) }
        if let event { broadcaster.send([event]) }
    }
}
