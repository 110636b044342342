import Foundation
import MetricsWire

/// How long to wait before retrying after consecutive failed polls: exponential, capped, with jitter.
///
/// The n-th consecutive failure waits `initial × multiplier^(n-1)`, capped at `maximum`, then spread by
/// ±`jitter` (a fraction) so that many dashboards watching one server do not retry in lockstep. The result
/// never exceeds `maximum`.
public struct BackoffPolicy: Sendable, Equatable {
    /// The wait after the first failure.
    public var initial: Duration
    /// The growth factor per further failure.
    @Clamped public var multiplier: Double
    /// The longest wait.
    public var maximum: Duration
    /// The spread, as a fraction of the wait (0.2 = ±20 %); 0 for a fixed schedule.
    @Clamped public var jitter: Double

    /// Creates a policy; the defaults wait 1 s, 2 s, 4 s, … up to 30 s, ±20 %.
    public init(
        initial: Duration = .seconds(1),
        multiplier: Double = 2,
        maximum: Duration = .seconds(30),
        jitter: Double = 0.2
    ) {
        self.initial = initial
        self._multiplier = Clamped(wrappedValue: multiplier, 1...)
        self.maximum = maximum
        self._jitter = Clamped(wrappedValue: jitter, 0...1)
    }

    /// The wait after `failures` consecutive failures (1 or more); `random` in 0..<1 picks the jitter.
    public func delay(afterFailures failures: Int, random: Double) -> Duration {
        let cap = maximum.inSeconds
        let exponent = Double(max(0, failures - 1))
        let base = min(cap, initial.inSeconds * Foundation.pow(multiplier, min(exponent, 64)))
        let spread = 1 - jitter + 2 * jitter * min(max(random, 0), 1)
        return .seconds(min(cap, max(0, base * spread)))
    }
}
