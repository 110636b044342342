import Foundation

/// What a fleet snapshot adds to the §5 document: where it was read, over which window, and the
/// instances behind it. Present only in snapshots read from Prometheus (`dashboard --prometheus`).
public struct FleetMetrics: Codable, Sendable, Equatable {
    /// The Prometheus server read, as given (without credentials, which are refused).
    public var prometheus: String
    /// The label matchers every query carries, like `{job="mcp"}`; `nil` for none.
    public var selector: String?
    /// The range of every `rate()`, in seconds: the larger of the refresh plus one scrape interval and
    /// four scrape intervals, so each rate spans at least two scrapes.
    public var windowSeconds: Double
    /// The longest scrape interval among the instances, in seconds (15 when Prometheus does not say).
    public var scrapeIntervalSeconds: Double
    /// How long Prometheus took to answer the round's queries, in milliseconds (the slowest of them).
    public var queryMs: Double
    /// Calls per second of each tool over the window, summed over the instances.
    public var callsPerSecond: [String: Double]
    /// Failed calls per second of each tool over the window.
    public var errorsPerSecond: [String: Double]
    /// Each cache's lookups per second over the window.
    public var cacheRates: [String: FleetCacheRates]
    /// The instances Prometheus scrapes, sorted by job then instance.
    public var instances: [FleetInstance]
    /// `true` when the histogram, counters and instance rates were read from the recorded series of
    /// the dashboard's recording rules (their window is ``windowSeconds``); absent when read raw.
    public var recordingRules: Bool?
    /// Prometheus's warnings about this round (partial data, for example), at most a few.
    public var warnings: [String]

    /// Creates fleet metrics.
    public init(
        prometheus: String,
        selector: String? = nil,
        windowSeconds: Double,
        scrapeIntervalSeconds: Double,
        queryMs: Double = 0,
        recordingRules: Bool? = nil,
        callsPerSecond: [String: Double] = [:],
        errorsPerSecond: [String: Double] = [:],
        cacheRates: [String: FleetCacheRates] = [:],
        instances: [FleetInstance] = [],
        warnings: [String] = []
    ) {
        self.prometheus = prometheus
        self.selector = selector
        self.windowSeconds = windowSeconds
        self.scrapeIntervalSeconds = scrapeIntervalSeconds
        self.queryMs = queryMs
        self.recordingRules = recordingRules
        self.callsPerSecond = callsPerSecond
        self.errorsPerSecond = errorsPerSecond
        self.cacheRates = cacheRates
        self.instances = instances
        self.warnings = warnings
    }

    /// Instances whose last scrape succeeded.
    public var upCount: Int { instances.filter(\.up).count }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case prometheus, selector, instances, warnings
        case windowSeconds = "window_seconds"
        case scrapeIntervalSeconds = "scrape_interval_seconds"
        case queryMs = "query_ms"
        case recordingRules = "recording_rules"
        case callsPerSecond = "calls_per_second"
        case errorsPerSecond = "errors_per_second"
        case cacheRates = "cache_rates"
    }
}

/// One cache's lookups per second over a fleet's window, summed over the instances.
public struct FleetCacheRates: Codable, Sendable, Equatable {
    /// Hits per second.
    public var hitsPerSecond: Double
    /// Misses per second.
    public var missesPerSecond: Double

    /// Creates cache rates.
    public init(hitsPerSecond: Double, missesPerSecond: Double) {
        self.hitsPerSecond = hitsPerSecond
        self.missesPerSecond = missesPerSecond
    }

    /// Hits as a percentage (0–100) of the lookups; `nil` when there were none.
    public var hitRate: Double? {
        let total = hitsPerSecond + missesPerSecond
        return total > 0 ? hitsPerSecond * 100 / total : nil
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hitsPerSecond = "hits_per_second"
        case missesPerSecond = "misses_per_second"
    }
}

/// One scraped instance of a fleet: Prometheus's `up` for it and the engine's own gauges.
public struct FleetInstance: Codable, Sendable, Equatable {
    /// The `instance` label (usually `host:port`).
    public var instance: String
    /// The `job` label.
    public var job: String
    /// Whether Prometheus's last scrape of it succeeded.
    public var up: Bool
    /// The MCP server a proxy fronts, or the engine's mode (`serve`), from `dashboard_engine_info`.
    public var name: String?
    /// The engine's version.
    public var version: String?
    /// Requests in flight now.
    public var inFlight: Int?
    /// Sessions open now.
    public var activeSessions: Int?
    /// Resident memory, in bytes.
    public var rssBytes: Int?
    /// Seconds since the engine started.
    public var uptimeSeconds: Double?
    /// Its calls per second over the window.
    public var callsPerSecond: Double?
    /// Its failed calls per second over the window.
    public var errorsPerSecond: Double?
    /// Why its last scrape failed, as Prometheus says.
    public var lastError: String?

    /// Creates an instance.
    public init(
        instance: String,
        job: String,
        up: Bool,
        name: String? = nil,
        version: String? = nil,
        inFlight: Int? = nil,
        activeSessions: Int? = nil,
        rssBytes: Int? = nil,
        uptimeSeconds: Double? = nil,
        callsPerSecond: Double? = nil,
        errorsPerSecond: Double? = nil,
        lastError: String? = nil
    ) {
        self.instance = instance
        self.job = job
        self.up = up
        self.name = name
        self.version = version
        self.inFlight = inFlight
        self.activeSessions = activeSessions
        self.rssBytes = rssBytes
        self.uptimeSeconds = uptimeSeconds
        self.callsPerSecond = callsPerSecond
        self.errorsPerSecond = errorsPerSecond
        self.lastError = lastError
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case instance, job, up, name, version
        case inFlight = "in_flight"
        case activeSessions = "active_sessions"
        case rssBytes = "rss_bytes"
        case uptimeSeconds = "uptime_seconds"
        case callsPerSecond = "calls_per_second"
        case errorsPerSecond = "errors_per_second"
        case lastError = "last_error"
    }
}

extension FleetMetrics: WireObject {
    static let wire = WireSchema<Self>([
        .string(CodingKeys.prometheus, \.prometheus),
        .optionalString(CodingKeys.selector, \.selector),
        .number(CodingKeys.windowSeconds, \.windowSeconds, range: 0...Plausibility.maxSeconds),
        .number(CodingKeys.scrapeIntervalSeconds, \.scrapeIntervalSeconds, range: 0...Plausibility.maxSeconds),
        .latency(CodingKeys.queryMs, \.queryMs),
        .numbers(CodingKeys.callsPerSecond, \.callsPerSecond),
        .numbers(CodingKeys.errorsPerSecond, \.errorsPerSecond),
        .objects(CodingKeys.cacheRates, \.cacheRates),
        .objects(CodingKeys.instances, \.instances),
        .optionalBool(CodingKeys.recordingRules, \.recordingRules),
        .strings(CodingKeys.warnings, \.warnings),
    ])
}

extension FleetCacheRates: WireObject {
    static let wire = WireSchema<Self>([
        .number(CodingKeys.hitsPerSecond, \.hitsPerSecond, range: 0...Plausibility.maxCount),
        .number(CodingKeys.missesPerSecond, \.missesPerSecond, range: 0...Plausibility.maxCount),
    ])
}

extension FleetInstance: WireObject {
    static let wire = WireSchema<Self>([
        .string(CodingKeys.instance, \.instance),
        .string(CodingKeys.job, \.job),
        .bool(CodingKeys.up, \.up),
        .optionalString(CodingKeys.name, \.name),
        .optionalString(CodingKeys.version, \.version),
        .optionalCount(CodingKeys.inFlight, \.inFlight),
        .optionalCount(CodingKeys.activeSessions, \.activeSessions),
        .optionalCount(CodingKeys.rssBytes, \.rssBytes),
        .optionalNumber(CodingKeys.uptimeSeconds, \.uptimeSeconds, range: 0...Plausibility.maxSeconds),
        .optionalNumber(CodingKeys.callsPerSecond, \.callsPerSecond, range: 0...Plausibility.maxCount),
        .optionalNumber(CodingKeys.errorsPerSecond, \.errorsPerSecond, range: 0...Plausibility.maxCount),
        .optionalString(CodingKeys.lastError, \.lastError),
    ])
}
