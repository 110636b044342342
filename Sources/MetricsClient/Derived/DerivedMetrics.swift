import MetricsWire

/// Rates over the interval between two consecutive snapshots of one server.
///
/// Counters that went down, or a changed `start_time`, mean the server restarted or was reset: the counter
/// is then taken to have restarted from zero (as Prometheus' `rate()` does), so a rate is never negative.
public struct DerivedMetrics: Sendable, Equatable {
    /// Seconds between the two snapshots: from the server's timestamps, or the receive times when those
    /// do not advance.
    public var interval: Double
    /// Per-tool rates, for tools present in the newer snapshot with no flagged values in either.
    public var tools: [String: ToolRates]
    /// Calls per second over all those tools.
    public var totalCallsPerSecond: Double
    /// Per-cache rates, for caches with no flagged values in either snapshot.
    public var caches: [String: CacheRates]
    /// Bytes per second written by the uploader; `nil` when either snapshot has no `upload_metrics`.
    public var uploadBytesPerSecond: Double?
    /// Whether any counter went down between the snapshots (a reset or a restart).
    public var counterReset: Bool
    /// Whether the server's `start_time` changed: it restarted.
    public var serverRestarted: Bool

    /// Creates derived values.
    public init(
        interval: Double,
        tools: [String: ToolRates] = [:],
        totalCallsPerSecond: Double = 0,
        caches: [String: CacheRates] = [:],
        uploadBytesPerSecond: Double? = nil,
        counterReset: Bool = false,
        serverRestarted: Bool = false
    ) {
        self.interval = interval
        self.tools = tools
        self.totalCallsPerSecond = totalCallsPerSecond
        self.caches = caches
        self.uploadBytesPerSecond = uploadBytesPerSecond
        self.counterReset = counterReset
        self.serverRestarted = serverRestarted
    }

    /// Upload throughput in megabytes (10⁶ bytes) per second.
    public var uploadMegabytesPerSecond: Double? {
        uploadBytesPerSecond.map { $0 / 1_000_000 }
    }
}

extension DerivedMetrics {
    /// The rates Prometheus computed over a fleet's window, in the shape rates between two snapshots have.
    public init(fleet: FleetMetrics) {
        let window = fleet.windowSeconds
        var tools: [String: ToolRates] = [:]
        for (tool, rate) in fleet.callsPerSecond {
            let failures = fleet.errorsPerSecond[tool] ?? 0
            tools[tool] = ToolRates(
                calls: Int((rate * window).rounded()),
                failures: Int((failures * window).rounded()),
                callsPerSecond: rate,
                failuresPerSecond: failures
            )
        }
        self.init(
            interval: window,
            tools: tools,
            totalCallsPerSecond: fleet.callsPerSecond.values.reduce(0, +),
            caches: fleet.cacheRates.mapValues { rates in
                CacheRates(
                    hits: Int((rates.hitsPerSecond * window).rounded()),
                    misses: Int((rates.missesPerSecond * window).rounded()),
                    requestsPerSecond: rates.hitsPerSecond + rates.missesPerSecond
                )
            }
        )
    }
}
