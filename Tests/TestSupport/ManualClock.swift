import Synchronization

/// A clock tests move by hand, so TTL behaviour is checked without sleeping.
public final class ManualClock: Sendable {
    private let current = Mutex(ContinuousClock.now)

    /// Creates a clock standing at the current instant.
    public init() {}

    /// Where the clock stands.
    public var now: ContinuousClock.Instant { current.withLock { $0 } }

    /// Moves the clock on by `duration`.
    public func advance(by duration: Duration) {
        current.withLock { $0 = $0.advanced(by: duration) }
    }
}
