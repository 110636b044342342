import Foundation
import Hummingbird
import MetricsWire

/// Runs the `/health` checks in the background and keeps the last report, so a probe is answered at once
/// from memory however loaded the engine is, and however slow a check (a Files API listing, a database
/// query) happens to be.
///
/// The checks run at most once per ``interval``, and at once when something they look at changes state
/// (``checkNow()``: a cache that starts or stops failing); and only while someone asks: the first request
/// starts the loop, which stops after ``idleAfter`` without requests (a provider is not listed once a second
/// for a probe nobody runs). A request that finds no report younger than ``staleAfter`` (the first, or the
/// first after the loop went idle) waits for one run.
final class HealthMonitor: Sendable {
    /// A finished run: whether every check passed, and the response body, encoded once.
    struct Report: Sendable {
        var healthy: Bool
        var body: ByteBuffer
        var finished: ContinuousClock.Instant
    }

    private struct State {
        var report: Report?
        var running = false
        /// Something checked changed state: run again without waiting out the interval.
        var changed = false
        var lastAsked: ContinuousClock.Instant = .now
        var waiters: [CheckedContinuation<Report, Never>] = []
    }

    let checks: [HealthCheck]
    let interval: Duration
    let idleAfter: Duration
    var staleAfter: Duration { interval * 3 }
    private let render: @Sendable ([(name: String, result: HealthCheck.Result)]) -> Report
    private let state = Guarded(State())

    /// A monitor of `checks`, rendering each run with `render`.
    init(
        checks: [HealthCheck],
        interval: Duration = .seconds(1),
        idleAfter: Duration = .seconds(60),
        render: @escaping @Sendable ([(name: String, result: HealthCheck.Result)]) -> Report
    ) {
        self.checks = checks
        self.interval = interval
        self.idleAfter = idleAfter
        self.render = render
    }

    /// The latest report, starting the background loop if it is not running; waits for a run only when there
    /// is no recent report.
    func report() async -> Report {
        let now = ContinuousClock.now
        let (current, start) = state.withLock { state -> (Report?, Bool) in
            state.lastAsked = now
            let start = !state.running
            state.running = true
            let fresh = state.report.flatMap { now - $0.finished <= staleAfter ? $0 : nil }
            return (fresh, start)
        }
        if start { startLoop() }
        if let current { return current }
        return await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Report? in
                if let report = state.report, ContinuousClock.now - report.finished <= staleAfter { return report }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Something a check looks at changed state: the checks run again at once (or, while nobody asks, the
    /// next request waits for a fresh run instead of getting the last one).
    func checkNow() {
        state.withLock { state in
            if state.running {
                state.changed = true
            } else {
                state.report = nil
            }
        }
    }

    private func startLoop() {
        Task { [weak self] in
            while let monitor = self {
                let report = await monitor.run()
                let waiters = monitor.state.withLock { state in
                    state.report = report
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume(returning: report) }
                // The interval, in steps, cut short when something changed.
                let wake = ContinuousClock.now + monitor.interval
                while ContinuousClock.now < wake, !monitor.state.withLock({ $0.changed }) {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                let idle = monitor.state.withLock { state in
                    state.changed = false
                    guard ContinuousClock.now - state.lastAsked > monitor.idleAfter, state.waiters.isEmpty else {
                        return false
                    }
                    state.running = false
                    return true
                }
                if idle { return }
            }
        }
    }

    /// Runs every check, all at once.
    private func run() async -> Report {
        let results = await withTaskGroup(of: (Int, HealthCheck.Result).self) { group in
            for (index, check) in checks.enumerated() {
                group.addTask { (index, await check.run()) }
            }
            var results = [HealthCheck.Result?](repeating: nil, count: checks.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
        return render(zip(checks, results).map { ($0.name, $1 ?? .init(ok: false, detail: "did not run")) })
    }
}
