import Synchronization

/// Process-wide counters and gauges shared by the collector and its tool handles.
final class CollectorCounters: Sendable {
    let enabled: Bool
    let rejectedSamples = Atomic<Int>(0)
    let clampedSamples = Atomic<Int>(0)
    let inFlight = Atomic<Int>(0)
    let activeSessions = Atomic<Int>(0)

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func reset() {
        rejectedSamples.store(0, ordering: .relaxed)
        clampedSamples.store(0, ordering: .relaxed)
    }
}
