import Synchronization

/// Process-wide counters and gauges shared by the collector and its tool handles.
final class CollectorCounters: Sendable {
    let enabled: Bool
    let rejectedSamples = Atomic<Int>(0)
    let clampedSamples = Atomic<Int>(0)
    let inFlight = Atomic<Int>(0)
    let activeSessions = Atomic<Int>(0)
    /// Where each recorded call goes as a span, when the engine exports them.
    let spans: (any SpanSink)?

    init(enabled: Bool, spans: (any SpanSink)? = nil) {
        self.enabled = enabled
        self.spans = spans
    }

    func reset() {
        rejectedSamples.store(0, ordering: .relaxed)
        clampedSamples.store(0, ordering: .relaxed)
    }
}
