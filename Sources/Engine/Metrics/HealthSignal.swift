import MetricsWire

/// Tells `/health` that something it checks changed state (a cache started or stopped failing), so the
/// checks run again at once instead of at their next turn.
public final class HealthSignal: Sendable {
    private let handler = Guarded<(@Sendable () -> Void)?>(nil)

    init() {}

    /// Sets what to do when a state changes (the endpoint's health monitor re-runs its checks).
    public func onChange(_ body: @escaping @Sendable () -> Void) {
        handler.withLock { $0 = body }
    }

    /// A checked thing changed state.
    public func changed() {
        handler.withLock { $0 }?()
    }
}
