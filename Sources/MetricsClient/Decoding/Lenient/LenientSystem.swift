/// The `system_metrics` object, read leniently.
struct LenientSystem: Decodable, Sendable {
    let metrics: SystemMetrics

    init(from decoder: any Decoder) throws {
        let fields = try FieldReader(decoder, path: "system_metrics")
        let uptime = fields.number("uptime_seconds", required: true, range: 0...Plausibility.maxSeconds) ?? 0
        var system = SystemMetrics(
            activeSessions: fields.count("active_sessions") ?? 0,
            concurrentRequests: fields.count("concurrent_requests") ?? 0,
            totalRequests: fields.count("total_requests") ?? 0,
            startTime: fields.number("start_time", required: true, range: 0...Plausibility.maxTimestamp) ?? 0,
            uptimeSeconds: uptime,
            rssBytes: fields.count("rss_bytes", required: false),
            rejectedSamples: fields.count("rejected_samples", required: false),
            clampedSamples: fields.count("clamped_samples", required: false)
        )
        if let hours = fields.number("uptime_hours", required: true, range: 0...(Plausibility.maxSeconds / 3600)) {
            system.uptimeHours = hours
        }
        metrics = system
    }
}
