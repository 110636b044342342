import Foundation
import MetricsWire

/// The time source of a poller: when polls happen, how long it waits, and how old data is.
///
/// Network timeouts always use real time; the clock drives the schedule (interval, backoff) and the
/// ages reported in ``ConnectionStatus``. Tests inject a clock whose `sleep` returns at once to run a long
/// backoff schedule in milliseconds.
public struct PollerClock: Sendable {
    /// Monotonic time since an arbitrary origin.
    public var now: @Sendable () -> Duration
    /// Waits for a duration; throws `CancellationError` when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Wall-clock time, for timestamps a person reads.
    public var wallTime: @Sendable () -> Date

    /// Creates a clock from its three functions.
    public init(
        now: @escaping @Sendable () -> Duration,
        sleep: @escaping @Sendable (Duration) async throws -> Void,
        wallTime: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.now = now
        self.sleep = sleep
        self.wallTime = wallTime
    }

    /// Real time: `ContinuousClock`.
    public static var continuous: PollerClock {
        let origin = ContinuousClock.now
        return PollerClock(
            now: { ContinuousClock.now - origin },
            sleep: { duration in try await Task.sleep(for: duration) }
        )
    }
}
