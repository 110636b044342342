/// Process-wide figures of the engine.
public struct SystemMetrics: Codable, Sendable, Equatable {
    /// Sessions open now.
    public var activeSessions: Int
    /// Requests in flight now.
    public var concurrentRequests: Int
    /// Tool calls recorded since start or the last reset.
    public var totalRequests: Int
    /// When the engine started, in seconds since 1970.
    public var startTime: Double
    /// Seconds since start.
    public var uptimeSeconds: Double
    /// Hours since start.
    public var uptimeHours: Double
    /// Resident memory of the engine's process in bytes.
    public var rssBytes: Int?
    /// Samples refused because their latency was not a finite, non-negative number.
    public var rejectedSamples: Int?
    /// Samples whose latency was above the recordable maximum and was clamped to it.
    public var clampedSamples: Int?

    /// Creates system figures.
    public init(
        activeSessions: Int,
        concurrentRequests: Int,
        totalRequests: Int,
        startTime: Double,
        uptimeSeconds: Double,
        rssBytes: Int? = nil,
        rejectedSamples: Int? = nil,
        clampedSamples: Int? = nil
    ) {
        self.activeSessions = activeSessions
        self.concurrentRequests = concurrentRequests
        self.totalRequests = totalRequests
        self.startTime = startTime
        self.uptimeSeconds = uptimeSeconds
        self.uptimeHours = MetricsRounding.twoDecimals(uptimeSeconds / 3600)
        self.rssBytes = rssBytes
        self.rejectedSamples = rejectedSamples
        self.clampedSamples = clampedSamples
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case activeSessions = "active_sessions"
        case concurrentRequests = "concurrent_requests"
        case totalRequests = "total_requests"
        case startTime = "start_time"
        case uptimeSeconds = "uptime_seconds"
        case uptimeHours = "uptime_hours"
        case rssBytes = "rss_bytes"
        case rejectedSamples = "rejected_samples"
        case clampedSamples = "clamped_samples"
    }
}

extension SystemMetrics: WireObject {
    static let wire = WireSchema<Self>([
        .count(CodingKeys.activeSessions, \.activeSessions),
        .count(CodingKeys.concurrentRequests, \.concurrentRequests),
        .count(CodingKeys.totalRequests, \.totalRequests),
        .number(CodingKeys.startTime, \.startTime, range: 0...Plausibility.maxTimestamp),
        .number(CodingKeys.uptimeSeconds, \.uptimeSeconds, range: 0...Plausibility.maxSeconds),
        .optionalCount(CodingKeys.rssBytes, \.rssBytes),
        .optionalCount(CodingKeys.rejectedSamples, \.rejectedSamples),
        .optionalCount(CodingKeys.clampedSamples, \.clampedSamples),
        // After uptime_seconds: when the server's hours are unusable, the ones its seconds give.
        WireField(
            CodingKeys.uptimeHours,
            \.uptimeHours,
            write: { $1.member(CodingKeys.uptimeHours, $0.uptimeHours) },
            read: { system, fields in
                system.uptimeHours =
                    fields.number(CodingKeys.uptimeHours, required: true, range: 0...(Plausibility.maxSeconds / 3600))
                    ?? MetricsRounding.twoDecimals(system.uptimeSeconds / 3600)
            }
        ),
    ])
}
