import Foundation
import MetricsWire

/// Assembles one fleet round's query results into a §5 snapshot with its ``FleetMetrics``.
struct FleetSnapshotBuilder {
    var fleet: FleetMetrics
    private(set) var tools: [String: ToolMetrics] = [:]
    private(set) var caches: [String: CacheMetrics] = [:]
    private var shownNames: [String: String] = [:]

    init(fleet: FleetMetrics) {
        self.fleet = fleet
    }

    /// A counter's value as a count: rounded, never negative, 0 when Prometheus says NaN.
    static func count(_ value: Double) -> Int {
        guard value.isFinite, value > 0 else { return 0 }
        return Int(min(value, 9e15).rounded())
    }

    /// A rate or gauge made safe to show: 0 unless finite and not negative.
    static func finite(_ value: Double) -> Double {
        value.isFinite && value > 0 ? value : 0
    }

    /// The tools from their bucket rates by outcome (percentiles and rates) and their counters
    /// (``FleetQueries/counters``: counts and latency sums, by `__name__`).
    mutating func addTools(buckets: PrometheusAPI.Vector, counters: PrometheusAPI.Vector) {
        var calls: [String: Int] = [:]
        var errors: [String: [String: Int]] = [:]
        var sumSeconds: [String: Double] = [:]
        for sample in counters.samples {
            let tool = tool(sample)
            let name = sample.labels["__name__"] ?? ""
            if name.hasSuffix("_sum") || name.hasSuffix("_sum:sum") {
                sumSeconds[tool, default: 0] += Self.finite(sample.value)
                continue
            }
            let count = Self.count(sample.value)
            calls[tool, default: 0] += count
            if let type = sample.labels["error_type"], !type.isEmpty {
                errors[tool, default: [:]][DisplayText.singleLine(type, maxLength: 80), default: 0] += count
            }
        }
        var histograms: [String: FleetHistogram] = [:]
        for sample in buckets.samples {
            guard let le = sample.labels["le"] else { continue }
            let tool = tool(sample)
            let rate = Self.finite(sample.value)
            histograms[tool, default: FleetHistogram()].add(le: le, rate: rate)
            // The +Inf bucket counts every call of its outcome.
            guard PrometheusAPI.number(le) == .infinity else { continue }
            fleet.callsPerSecond[tool, default: 0] += rate
            if let type = sample.labels["error_type"], !type.isEmpty { fleet.errorsPerSecond[tool, default: 0] += rate }
        }
        // Above the last finite bucket the answer is that bound (300 s).
        let quantiles = histograms.mapValues { $0.quantiles(FleetQueries.quantiles) }
        let percentiles = FleetQueries.quantiles.indices.map { index in
            quantiles.compactMapValues { $0[index].map { max(0, $0) * 1000 } }
        }
        for (tool, total) in calls {
            let failed = errors[tool]?.values.reduce(0, +) ?? 0
            let windowCalls = (fleet.callsPerSecond[tool] ?? 0) * fleet.windowSeconds
            func percentile(_ index: Int) -> Double { MetricsRounding.twoDecimals(percentiles[index][tool] ?? 0) }
            tools[tool] = ToolMetrics(
                toolName: tool,
                totalCalls: total,
                successfulCalls: total - failed,
                failedCalls: failed,
                successRate: MetricsRounding.percent(total - failed, of: total),
                avgLatencyMs: total > 0
                    ? MetricsRounding.twoDecimals((sumSeconds[tool] ?? 0) * 1000 / Double(total)) : 0,
                p50LatencyMs: percentile(0),
                p95LatencyMs: percentile(1),
                p99LatencyMs: percentile(2),
                minLatencyMs: 0,
                maxLatencyMs: percentile(3),
                errorTypes: errors[tool] ?? [:],
                windowSamples: Self.count(windowCalls)
            )
        }
    }

    mutating func addCaches(_ counters: PrometheusAPI.Vector, rates: PrometheusAPI.Vector) {
        var values: [String: [String: Int]] = [:]
        for sample in counters.samples {
            guard let cache = sample.labels["cache"], let name = sample.labels["__name__"] else { continue }
            values[cache, default: [:]][String(name.dropFirst("dashboard_cache_".count))] = Self.count(sample.value)
        }
        for (cache, value) in values {
            caches[cache] = CacheMetrics(
                cacheName: cache,
                hits: value["hits_total"] ?? 0,
                misses: value["misses_total"] ?? 0,
                evictions: value["evictions_total"] ?? 0,
                sizeRejections: value["size_rejections_total"] ?? 0,
                expirations: value["expirations_total"],
                coalesced: value["coalesced_total"],
                entries: value["entries"],
                maxEntries: value["max_entries"],
                bytes: value["bytes"],
                maxBytes: value["max_bytes"]
            )
        }
        var lookups: [String: (hits: Double, misses: Double)] = [:]
        for sample in rates.samples {
            guard let cache = sample.labels["cache"] else { continue }
            let rate = Self.finite(sample.value)
            if sample.labels["kind"] == "hits" { lookups[cache, default: (0, 0)].hits += rate }
            if sample.labels["kind"] == "misses" { lookups[cache, default: (0, 0)].misses += rate }
        }
        fleet.cacheRates = lookups.mapValues { FleetCacheRates(hitsPerSecond: $0.hits, missesPerSecond: $0.misses) }
    }

    /// The instances from `up`, their gauges, their call rates and the targets' scrape errors; with
    /// `onlyJobsWithEngines`, only the jobs with at least one `dashboard_engine_info` (so Prometheus's
    /// own job is left out when no selector names the jobs).
    mutating func addInstances(
        up: PrometheusAPI.Vector,
        gauges: PrometheusAPI.Vector,
        rates: PrometheusAPI.Vector,
        targets: [PrometheusAPI.Target],
        onlyJobsWithEngines: Bool
    ) {
        struct Key: Hashable {
            var job: String
            var instance: String
        }
        func key(_ labels: [String: String]) -> Key {
            Key(job: labels["job"] ?? "", instance: labels["instance"] ?? "")
        }
        var instances: [Key: FleetInstance] = [:]
        let engineJobs = Set(
            gauges.samples.filter { $0.labels["__name__"] == "dashboard_engine_info" }.map { $0.labels["job"] ?? "" }
        )
        for sample in up.samples {
            let id = key(sample.labels)
            guard !onlyJobsWithEngines || engineJobs.contains(id.job) else { continue }
            instances[id] = FleetInstance(
                instance: DisplayText.singleLine(id.instance, maxLength: 80),
                job: DisplayText.singleLine(id.job, maxLength: 40),
                up: sample.value == 1
            )
        }
        for sample in gauges.samples {
            let id = key(sample.labels)
            guard instances[id] != nil else { continue }
            switch sample.labels["__name__"] {
            case "dashboard_engine_info":
                let name = sample.labels["server"] ?? sample.labels["mode"]
                instances[id]?.name = name.map { DisplayText.singleLine($0, maxLength: 40) }
                instances[id]?.version = sample.labels["version"].map { DisplayText.singleLine($0, maxLength: 20) }
            case "dashboard_requests_in_flight": instances[id]?.inFlight = Self.count(sample.value)
            case "dashboard_active_sessions": instances[id]?.activeSessions = Self.count(sample.value)
            case "dashboard_uptime_seconds": instances[id]?.uptimeSeconds = Self.finite(sample.value)
            case "process_resident_memory_bytes": instances[id]?.rssBytes = Self.count(sample.value)
            default: break
            }
        }
        for sample in rates.samples {
            let id = key(sample.labels)
            guard var instance = instances[id] else { continue }
            let rate = Self.finite(sample.value)
            instance.callsPerSecond = (instance.callsPerSecond ?? 0) + rate
            let failed = sample.labels["error_type"].map { !$0.isEmpty } ?? false
            instance.errorsPerSecond = (instance.errorsPerSecond ?? 0) + (failed ? rate : 0)
            instances[id] = instance
        }
        for target in targets {
            let id = Key(job: target.job, instance: target.instance)
            guard instances[id] != nil, instances[id]?.up == false else { continue }
            instances[id]?.lastError = target.lastError
        }
        fleet.instances = instances.values.sorted {
            ($0.job, $0.instance) < ($1.job, $1.instance)
        }
    }

    /// The snapshot: the fleet's tools and caches, system figures summed over the instances that are up.
    func snapshot(at time: Double, version: String) -> MetricsSnapshot {
        let live = fleet.instances.filter(\.up)
        let totalCalls = tools.values.reduce(0) { $0 + $1.totalCalls }
        return MetricsSnapshot(
            timestamp: time,
            engine: EngineInfo(
                name: "prometheus",
                version: version,
                mode: .fleet,
                demo: false,
                filesAPI: "none"
            ),
            toolMetrics: tools,
            cacheMetrics: caches,
            systemMetrics: SystemMetrics(
                activeSessions: live.reduce(0) { $0 + ($1.activeSessions ?? 0) },
                concurrentRequests: live.reduce(0) { $0 + ($1.inFlight ?? 0) },
                totalRequests: totalCalls,
                startTime: time - (live.compactMap(\.uptimeSeconds).max() ?? 0),
                uptimeSeconds: MetricsRounding.twoDecimals(live.compactMap(\.uptimeSeconds).max() ?? 0),
                rssBytes: live.isEmpty ? nil : live.reduce(0) { $0 + ($1.rssBytes ?? 0) }
            ),
            fleet: fleet
        )
    }

    /// A sample's tool name made safe to show, worked out once per name (a round has a bucket series
    /// per tool, bound and outcome).
    private mutating func tool(_ sample: PrometheusAPI.Sample) -> String {
        let raw = sample.labels["gen_ai_tool_name"] ?? ""
        if let shown = shownNames[raw] { return shown }
        let shown = DisplayText.singleLine(raw, maxLength: 120)
        shownNames[raw] = shown
        return shown
    }
}
