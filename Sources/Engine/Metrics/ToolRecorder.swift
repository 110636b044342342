import MetricsWire

/// A handle that records calls of one tool without looking its name up each time.
///
/// Get one from ``MetricsCollector/tool(_:)`` and keep it, as Prometheus clients advise for child metrics.
/// Each tool has its own lock, so threads recording different tools never wait for each other.
public final class ToolRecorder: Sendable {
    /// The tool's name as stored (sanitised).
    public let name: String
    private let state: Guarded<ToolStatistics>
    private let collector: CollectorCounters

    init(name: String, configuration: MetricsConfiguration, collector: CollectorCounters) {
        self.name = name
        self.state = Guarded(
            ToolStatistics(windowSize: configuration.windowSize, maxErrorTypes: configuration.maxErrorTypesPerTool)
        )
        self.collector = collector
    }

    /// Records one call.
    ///
    /// A latency that is NaN, infinite or negative is refused and counted in `rejected_samples`; one above an
    /// hour is clamped to an hour and counted in `clamped_samples`. A failure without `errorType` counts as
    /// `unknown`. Does nothing when metrics are disabled. An engine exporting traces makes a span of it.
    public func record(latencyMs: Double, success: Bool, errorType: String? = nil) {
        guard let kept = store(latencyMs: latencyMs, success: success, errorType: errorType),
            let spans = collector.spans
        else { return }
        spans.operationEnded(.toolCall(name, latencyMs: kept, errorType: success ? nil : (errorType ?? "unknown")))
    }

    /// Records one call as ``record(latencyMs:success:errorType:)`` does, without a span (an upload makes its
    /// own); returns the latency kept (clamped), nil when none was.
    @discardableResult
    func store(latencyMs: Double, success: Bool, errorType: String?) -> Double? {
        guard collector.enabled else { return nil }
        guard latencyMs.isFinite, latencyMs >= 0 else {
            collector.rejectedSamples.add(1, ordering: .relaxed)
            return nil
        }
        var latency = latencyMs
        if latency > ToolStatistics.maxLatencyMs {
            latency = ToolStatistics.maxLatencyMs
            collector.clampedSamples.add(1, ordering: .relaxed)
        }
        state.withLock { $0.record(latencyMs: latency, success: success, errorType: errorType) }
        return latency
    }

    /// Where the engine's spans go, when it exports them.
    var spans: (any SpanSink)? { collector.spans }

    /// Records one call whose duration is given as a `Duration`.
    public func record(latency: Duration, success: Bool, errorType: String? = nil) {
        let (seconds, attoseconds) = latency.components
        record(latencyMs: Double(seconds) * 1000 + Double(attoseconds) / 1e15, success: success, errorType: errorType)
    }

    /// Records one call that took `rounds` rounds (MCP 2026-07-28 `input_required`, then retries): `latency`
    /// is the sum of the rounds' own times, `inputWait` the time between them, kept apart.
    public func record(latency: Duration, success: Bool, errorType: String? = nil, rounds: Int, inputWait: Duration) {
        record(latency: latency, success: success, errorType: errorType)
        guard rounds > 1, collector.enabled else { return }
        state.withLock { $0.countRounds(rounds, inputWaitMs: inputWait.inMilliseconds) }
    }

    /// Counts a call whose client never sent the retry its last round asked for, after `rounds` rounds: not a
    /// call of the server's, and not its failure.
    public func recordAbandoned(rounds: Int) {
        guard collector.enabled else { return }
        state.withLock { stats in
            stats.multiRound.abandoned += 1
            stats.multiRound.abandonedRounds += rounds
        }
    }

    /// The exact latency distribution for exposition, or `nil` if there were no calls: a tool's
    /// (`method` `tools/call`) or, with `tool` nil, an MCP method's.
    func distribution(method: String, tool: String?) -> LatencyDistribution? {
        state.withLock { stats in
            guard stats.total > 0 else { return nil }
            func outcome(_ type: String?, _ counts: [Int], _ sumMs: Double) -> LatencyDistribution.Outcome {
                var cumulative = 0
                var buckets: [(upperBoundMs: Double, count: Int)] = []
                buckets.reserveCapacity(ToolStatistics.bucketBoundsMs.count)
                for (index, bound) in ToolStatistics.bucketBoundsMs.enumerated() {
                    cumulative += counts[index]
                    buckets.append((bound, cumulative))
                }
                return .init(
                    errorType: type,
                    count: cumulative + counts[counts.count - 1],
                    sumMs: sumMs,
                    buckets: buckets
                )
            }
            var outcomes = [outcome(nil, stats.bucketCounts, stats.successfulSumMs)]
            for (type, failed) in stats.errorBuckets.sorted(by: { $0.key < $1.key }) {
                outcomes.append(outcome(type, failed.counts, failed.sumMs))
            }
            return LatencyDistribution(method: method, tool: tool, outcomes: outcomes)
        }
    }

    func reset() {
        state.withLock { $0.reset() }
    }

    /// The tool's wire statistics, or `nil` if it has no calls. `scratch` is reused between tools.
    func metrics(scratch: inout [Double]) -> ToolMetrics? {
        var result: ToolMetrics?
        var lifetime: [UInt64] = []
        var window: [Double] = []
        state.withLock { stats in
            guard stats.total > 0 || stats.multiRound.abandoned > 0 else { return }
            window = stats.windowPercentiles(perMille: [500, 950, 990], scratch: &scratch)
            lifetime = stats.histogram.values(atPerMille: [500, 950, 990, 999])
            result = ToolMetrics(
                toolName: name,
                totalCalls: stats.total,
                successfulCalls: stats.successful,
                failedCalls: stats.failed,
                successRate: MetricsRounding.percent(stats.successful, of: stats.total),
                avgLatencyMs: MetricsRounding.twoDecimals(stats.latencySumMs / Double(max(1, stats.total))),
                p50LatencyMs: 0,
                p95LatencyMs: 0,
                p99LatencyMs: 0,
                minLatencyMs: MetricsRounding.twoDecimals(stats.total > 0 ? stats.minLatencyMs : 0),
                maxLatencyMs: MetricsRounding.twoDecimals(stats.maxLatencyMs),
                errorTypes: stats.errorTypes,
                windowSamples: stats.windowFilled,
                windowHistogram: LatencyBuckets(
                    upperBoundsMs: ToolStatistics.fineBoundsMs,
                    counts: stats.windowHistogram
                ),
                rounds: stats.multiRound.wire(totalCalls: stats.total)
            )
        }
        guard var metrics = result else { return nil }
        // Outside the lock: only the buckets from the first to the last that counted a call go on the wire.
        metrics.windowHistogram = metrics.windowHistogram?.trimmed()
        metrics.p50LatencyMs = MetricsRounding.twoDecimals(window[0])
        metrics.p95LatencyMs = MetricsRounding.twoDecimals(window[1])
        metrics.p99LatencyMs = MetricsRounding.twoDecimals(window[2])
        metrics.lifetime = LifetimePercentiles(
            p50Ms: MetricsRounding.twoDecimals(Double(lifetime[0]) / 1000),
            p95Ms: MetricsRounding.twoDecimals(Double(lifetime[1]) / 1000),
            p99Ms: MetricsRounding.twoDecimals(Double(lifetime[2]) / 1000),
            p999Ms: MetricsRounding.twoDecimals(Double(lifetime[3]) / 1000)
        )
        return metrics
    }
}
