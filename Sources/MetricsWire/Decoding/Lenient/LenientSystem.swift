/// The `system_metrics` object, read leniently.
struct LenientSystem: Sendable {
    let metrics: SystemMetrics

    /// Reads `fields`, the members of `system_metrics`.
    init(_ fields: FieldReader) {
        let blank = SystemMetrics(
            activeSessions: 0,
            concurrentRequests: 0,
            totalRequests: 0,
            startTime: 0,
            uptimeSeconds: 0
        )
        metrics = SystemMetrics.wire.read(fields, over: blank)
    }
}
