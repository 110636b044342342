/// The `system_metrics` object, read leniently.
struct LenientSystem: Sendable {
    private typealias Key = SystemMetrics.CodingKeys

    let metrics: SystemMetrics

    /// Reads `fields`, the members of `system_metrics`.
    init(_ fields: FieldReader) {
        let uptime = fields.number(Key.uptimeSeconds, required: true, range: 0...Plausibility.maxSeconds) ?? 0
        var system = SystemMetrics(
            activeSessions: fields.count(Key.activeSessions) ?? 0,
            concurrentRequests: fields.count(Key.concurrentRequests) ?? 0,
            totalRequests: fields.count(Key.totalRequests) ?? 0,
            startTime: fields.number(Key.startTime, required: true, range: 0...Plausibility.maxTimestamp) ?? 0,
            uptimeSeconds: uptime,
            rssBytes: fields.count(Key.rssBytes, required: false),
            rejectedSamples: fields.count(Key.rejectedSamples, required: false),
            clampedSamples: fields.count(Key.clampedSamples, required: false)
        )
        if let hours = fields.number(Key.uptimeHours, required: true, range: 0...(Plausibility.maxSeconds / 3600)) {
            system.uptimeHours = hours
        }
        metrics = system
    }
}
