import Foundation
import MetricsWire

/// How long to wait before each retry: exponential backoff with jitter, honouring `Retry-After`.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries after the first attempt.
    @Clamped public var maxRetries: Int
    /// Delay before the first retry.
    public var initialDelay: Duration
    /// Each further retry waits this many times longer.
    @Clamped public var multiplier: Double
    /// No wait is longer than this (nor a provider's `Retry-After`).
    public var maxDelay: Duration
    /// Each delay is spread by up to ± this fraction, so clients do not retry in lockstep.
    @Clamped public var jitter: Double

    /// Creates a policy.
    public init(
        maxRetries: Int = 3,
        initialDelay: Duration = .milliseconds(500),
        multiplier: Double = 2,
        maxDelay: Duration = .seconds(30),
        jitter: Double = 0.2
    ) {
        self._maxRetries = Clamped(wrappedValue: maxRetries, 0...)
        self.initialDelay = initialDelay
        self._multiplier = Clamped(wrappedValue: multiplier, 1...)
        self.maxDelay = maxDelay
        self._jitter = Clamped(wrappedValue: jitter, 0...1)
    }

    /// The wait before retry number `retry` (1-based); a provider's `retryAfter` wins when it is longer.
    public func delay(beforeRetry retry: Int, retryAfter: Duration? = nil) -> Duration {
        let base = Double(initialDelay.nanoseconds) * pow(multiplier, Double(max(0, retry - 1)))
        let spread = base * Double.random(in: -jitter...jitter)
        var nanoseconds = min(base + spread, Double(maxDelay.nanoseconds))
        if let retryAfter { nanoseconds = max(nanoseconds, Double(min(retryAfter, maxDelay).nanoseconds)) }
        return .nanoseconds(Int64(max(0, nanoseconds)))
    }
}
