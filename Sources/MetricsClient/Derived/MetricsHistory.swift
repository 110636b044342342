import Foundation
import MetricsWire

/// The recent past of one server, as series for sparklines; every series and the set of series are bounded.
///
/// A point is added for every snapshot that carries new data. Rates need two snapshots, so the rate series
/// start one point later than the p95 series. Tools and caches that disappear from the server lose their
/// series; when a server reports more tools than the limit, only the busiest are kept.
public struct MetricsHistory: Sendable, Equatable {
    /// The series of one tool.
    ///
    /// `time`, the latency and the call-count series have one point per snapshot, aligned; the rate series
    /// starts one point later.
    public struct ToolSeries: Sendable, Equatable {
        /// When each point's snapshot arrived, in seconds since 1970.
        public var time: HistorySeries
        /// The window p50 latency in milliseconds, as reported.
        public var p50LatencyMs: HistorySeries
        /// The window p95 latency in milliseconds, as reported.
        public var p95LatencyMs: HistorySeries
        /// The window p99 latency in milliseconds, as reported.
        public var p99LatencyMs: HistorySeries
        /// The tool's total calls, as reported (a counter; a drop is a reset).
        public var totalCalls: HistorySeries
        /// The tool's failed calls, as reported.
        public var failedCalls: HistorySeries
        /// Calls per second between snapshots.
        public var callsPerSecond: HistorySeries
        /// When the snapshot before this series' first point arrived, if the server listed no such tool in
        /// it: the tool had no calls then, so the calls of the first point were made since.
        public var absentAt: Double?

        init(capacity: Int) {
            time = HistorySeries(capacity: capacity)
            p50LatencyMs = HistorySeries(capacity: capacity)
            p95LatencyMs = HistorySeries(capacity: capacity)
            p99LatencyMs = HistorySeries(capacity: capacity)
            totalCalls = HistorySeries(capacity: capacity)
            failedCalls = HistorySeries(capacity: capacity)
            callsPerSecond = HistorySeries(capacity: capacity)
        }

        mutating func append(_ tool: ToolMetrics, at seconds: Double, callsPerSecond rate: Double?) {
            time.append(seconds)
            p50LatencyMs.append(tool.p50LatencyMs)
            p95LatencyMs.append(tool.p95LatencyMs)
            p99LatencyMs.append(tool.p99LatencyMs)
            totalCalls.append(Double(tool.totalCalls))
            failedCalls.append(Double(tool.failedCalls))
            if let rate { callsPerSecond.append(rate) }
        }

        /// Calls per second over about the last `seconds`: the calls counted between the newest point and
        /// the oldest one at most `seconds` older (after the last counter reset); `nil` until two points
        /// span some time. Steadier than one interval's rate for tools called every few seconds.
        /// A tool that appeared while the server was watched counts from ``absentAt`` with no calls, so
        /// that a tool called once shows its call at once.
        public func callsPerSecond(over seconds: Double) -> Double? {
            Self.rate(times: time, counts: totalCalls, absentAt: absentAt, over: seconds)
        }

        static func rate(
            times: HistorySeries,
            counts: HistorySeries,
            absentAt: Double?,
            over seconds: Double
        )
            -> Double?
        {
            let points = min(times.count, counts.count)
            guard points > 0 else { return nil }
            let newestTime = times[back: 0]
            var oldest = 0
            while oldest + 1 < points, newestTime - times[back: oldest + 1] <= seconds + 0.25,
                counts[back: oldest + 1] <= counts[back: oldest]
            {
                oldest += 1
            }
            if oldest + 1 == points, let absentAt, newestTime - absentAt <= seconds + 0.25, newestTime > absentAt {
                // Back to the first point, and the snapshot before it had no such tool: from zero calls then.
                return counts[back: 0] / (newestTime - absentAt)
            }
            let span = newestTime - times[back: oldest]
            guard oldest > 0, span > 0 else { return nil }
            return (counts[back: 0] - counts[back: oldest]) / span
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
    /// When the last snapshot arrived (nil before the first), and the tools it listed.
    private var previousTime: Double?
    private var previousTools: Set<String> = []

    /// Creates an empty history.
    public init(length: Int = 180, maxTools: Int = 500) {
        self.length = max(1, length)
        self.maxTools = max(0, maxTools)
        totalCallsPerSecond = HistorySeries(capacity: self.length)
        uploadMegabytesPerSecond = HistorySeries(capacity: self.length)
    }

    /// Adds the points of a new snapshot that arrived at `time` and the rates since the one before (if known).
    public mutating func record(_ decoded: DecodedSnapshot, derived: DerivedMetrics?, at time: Date = Date()) {
        let seconds = time.timeIntervalSince1970
        let snapshot = decoded.snapshot
        let kept = trackedTools(in: snapshot)
        if tools.keys.contains(where: { !kept.contains($0) }) { tools = tools.filter { kept.contains($0.key) } }
        for name in kept {
            guard let tool = snapshot.toolMetrics[name], !decoded.flaggedTools.contains(name) else { continue }
            if tools[name] == nil {
                var series = ToolSeries(capacity: length)
                if let previousTime, !previousTools.contains(name) { series.absentAt = previousTime }
                tools[name] = series
            }
            // Appended in place: a copy of the series would copy every point of it.
            tools[name]?.append(tool, at: seconds, callsPerSecond: derived?.tools[name]?.callsPerSecond)
        }
        previousTime = seconds
        previousTools = snapshot.toolMetrics.count > maxTools ? Set(snapshot.toolMetrics.keys) : kept
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
