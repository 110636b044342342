import Foundation
import MetricsClient
import MetricsWire
import TestSupport
import Testing

/// A clock whose sleeps return at once, recording what was asked; its time stands still.
///
/// The poller's staleness watch sleeps on the same clock (until the data would turn stale), so the tests
/// set `staleAfter` far above any schedule wait and leave those sleeps out of ``waits``.
final class InstantClock: Sendable {
    static let staleAfter = Duration.seconds(1000)

    private let state = Guarded([Duration]())

    /// The sleeps of the polling schedule (interval and backoff waits).
    var waits: [Duration] { state.withLock { $0 }.filter { $0 < Self.staleAfter } }

    var clock: PollerClock {
        PollerClock(
            now: { .zero },
            sleep: { duration in
                try Task.checkCancellation()
                self.state.withLock { $0.append(duration) }
                await Task.yield()
            }
        )
    }
}

@Suite("MetricsPoller schedule, with an injected clock")
struct PollerScheduleTests {
    @Test("failures back off 1, 2, 4 … 30 s and stay at the cap; success returns to the interval")
    func backoffSchedule() async throws {
        let refusing = try RefusingPort()
        let port = refusing.port
        let clock = InstantClock()
        let poller = MetricsPoller(
            target: MetricsTarget(host: "127.0.0.1", port: port),
            configuration: PollerConfiguration(
                interval: .seconds(1),
                backoff: BackoffPolicy(jitter: 0),
                staleAfter: InstantClock.staleAfter
            ),
            clock: clock.clock
        )
        let running = Task { await poller.run() }
        let deadline = ContinuousClock.now + .seconds(60)
        while clock.waits.count < 8, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let waits = clock.waits.prefix(8).map { Int($0 / .seconds(1)) }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30, 30])
        let state = poller.state
        guard case .reconnecting(let attempt, _, let error) = state.status else {
            Issue.record("expected reconnecting, got \(state.status)")
            running.cancel()
            return
        }
        #expect(attempt >= 8 && error.code == .connectionRefused)

        let server = try RawHTTPServer(on: refusing, HostileServerTests.good)
        defer { server.stop() }
        while poller.state.latest == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        let count = clock.waits.count
        while clock.waits.count < count + 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        running.cancel()
        await running.value
        #expect(poller.state.status.isConnected)
        #expect(clock.waits.last == .seconds(1))
    }

    @Test("setInterval changes the wait between good polls")
    func intervalChange() async throws {
        let server = try RawHTTPServer(HostileServerTests.good)
        defer { server.stop() }
        let clock = InstantClock()
        let poller = MetricsPoller(
            target: try MetricsTarget(parsing: server.base),
            configuration: PollerConfiguration(interval: .seconds(1), staleAfter: InstantClock.staleAfter),
            clock: clock.clock
        )
        poller.setInterval(.seconds(5))
        #expect(poller.interval == .seconds(5))
        let running = Task { await poller.run() }
        let deadline = ContinuousClock.now + .seconds(20)
        while clock.waits.count < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        running.cancel()
        await running.value
        #expect(clock.waits.prefix(2).allSatisfy { $0 == .seconds(5) }, "\(clock.waits)")
        #expect(poller.state.interval == .seconds(5))
    }
}
