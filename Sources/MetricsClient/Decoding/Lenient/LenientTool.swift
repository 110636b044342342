/// A tool entry of `tool_metrics`, read leniently; `nil` when the entry is not an object at all.
struct LenientTool: Decodable, Sendable {
    private typealias Key = ToolMetrics.CodingKeys

    let metrics: ToolMetrics?

    init(from decoder: any Decoder) throws {
        let name = decoder.codingPath.last?.stringValue ?? ""
        let path =
            "\(MetricsSnapshot.CodingKeys.toolMetrics.stringValue)[\"\(DisplayText.sanitized(name, maxLength: 60))\"]"
        guard let fields = try? FieldReader(decoder, path: path, tool: name) else {
            let kind = (try? JSONKind(from: decoder))?.name ?? "not an object"
            IssueLog.from(decoder).add(DataIssue(path: path, kind: .dropped, value: kind, tool: name))
            metrics = nil
            return
        }
        let total = fields.count(Key.totalCalls) ?? 0
        var lifetime = fields.tolerant(LifetimePercentiles.self, Key.lifetime)
        if let value = lifetime,
            ![value.p50Ms, value.p95Ms, value.p99Ms, value.p999Ms].allSatisfy({
                $0.isFinite && (0...Plausibility.maxLatencyMs).contains($0)
            })
        {
            fields.flag(Key.lifetime, .outOfRange, "p50 \(value.p50Ms), p999 \(value.p999Ms)")
            lifetime = nil
        }
        var histogram = fields.tolerant(LatencyBuckets.self, Key.windowHistogram)
        if let value = histogram, !value.isWellFormed {
            fields.flag(
                Key.windowHistogram,
                .outOfRange,
                "\(value.upperBoundsMs.count) bounds, \(value.counts.count) counts"
            )
            histogram = nil
        }
        metrics = ToolMetrics(
            toolName: fields.string(Key.toolName, required: true) ?? name,
            totalCalls: total,
            successfulCalls: fields.count(Key.successfulCalls) ?? 0,
            failedCalls: fields.count(Key.failedCalls) ?? 0,
            successRate: fields.percent(Key.successRate) ?? 0,
            avgLatencyMs: fields.latency(Key.avgLatencyMs) ?? 0,
            p50LatencyMs: fields.latency(Key.p50LatencyMs) ?? 0,
            p95LatencyMs: fields.latency(Key.p95LatencyMs) ?? 0,
            p99LatencyMs: fields.latency(Key.p99LatencyMs) ?? 0,
            minLatencyMs: fields.latency(Key.minLatencyMs) ?? 0,
            maxLatencyMs: fields.latency(Key.maxLatencyMs) ?? 0,
            errorTypes: fields.counts(Key.errorTypes),
            windowSamples: fields.count(Key.windowSamples, required: false),
            lifetime: lifetime,
            windowHistogram: histogram
        )
    }
}
