/// The recent past of one server, as series for sparklines; every series and the set of series are bounded.
///
/// A point is added for every snapshot that carries new data. Rates need two snapshots, so the rate series
/// start one point later than the p95 series. Tools and caches that disappear from the server lose their
/// series; when a server reports more tools than the limit, only the busiest are kept.
public struct MetricsHistory: Sendable, Equatable {
    /// The series of one tool.
    public struct ToolSeries: Sendable, Equatable {
        /// The window p95 latency in milliseconds, as reported.
        public var p95LatencyMs: HistorySeries
        /// Calls per second between snapshots.
        public var callsPerSecond: HistorySeries

        init(capacity: Int) {
            p95LatencyMs = HistorySeries(capacity: capacity)
            callsPerSecond = HistorySeries(capacity: capacity)
        }
    }

    /// Points kept per series.
    public let length: Int
    /// The most tools with series.
    public let maxTools: Int
    /// Calls per second over all tools.
    public private(set) var totalCallsPerSecond: HistorySeries
    /// Upload throughput in MB/s (10⁶ bytes per second).
    public private(set) var uploadMegabytesPerSecond: HistorySeries
    /// Per-tool series, keyed by tool name.
    public private(set) var tools: [String: ToolSeries] = [:]
    /// Per-cache interval hit rate (0–100), keyed by cache name; intervals without lookups add no point.
    public private(set) var cacheHitRate: [String: HistorySeries] = [:]

    /// Creates an empty history.
    public init(length: Int = 120, maxTools: Int = 500) {
        self.length = max(1, length)
        self.maxTools = max(0, maxTools)
        totalCallsPerSecond = HistorySeries(capacity: self.length)
        uploadMegabytesPerSecond = HistorySeries(capacity: self.length)
    }

    /// Adds the points of a new snapshot and the rates since the one before (if known).
    public mutating func record(_ decoded: DecodedSnapshot, derived: DerivedMetrics?) {
        let snapshot = decoded.snapshot
        let kept = trackedTools(in: snapshot)
        tools = tools.filter { kept.contains($0.key) }
        for name in kept {
            guard let tool = snapshot.toolMetrics[name], !decoded.flaggedTools.contains(name) else { continue }
            var series = tools[name] ?? ToolSeries(capacity: length)
            series.p95LatencyMs.append(tool.p95LatencyMs)
            if let rates = derived?.tools[name] { series.callsPerSecond.append(rates.callsPerSecond) }
            tools[name] = series
        }
        cacheHitRate = cacheHitRate.filter { snapshot.cacheMetrics[$0.key] != nil }
        if let derived {
            totalCallsPerSecond.append(derived.totalCallsPerSecond)
            if let upload = derived.uploadMegabytesPerSecond { uploadMegabytesPerSecond.append(upload) }
            for (name, rates) in derived.caches {
                guard let rate = rates.intervalHitRate else { continue }
                cacheHitRate[name, default: HistorySeries(capacity: length)].append(rate)
            }
        }
    }

    /// The tools to keep series for: all of them, or the busiest `maxTools`.
    private func trackedTools(in snapshot: MetricsSnapshot) -> Set<String> {
        guard snapshot.toolMetrics.count > maxTools else { return Set(snapshot.toolMetrics.keys) }
        let busiest = snapshot.toolMetrics.sorted { lhs, rhs in
            lhs.value.totalCalls != rhs.value.totalCalls
                ? lhs.value.totalCalls > rhs.value.totalCalls : lhs.key < rhs.key
        }
        return Set(busiest.prefix(maxTools).map(\.key))
    }
}
