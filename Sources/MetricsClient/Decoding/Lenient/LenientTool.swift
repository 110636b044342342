/// A tool entry of `tool_metrics`, read leniently; `nil` when the entry is not an object at all.
struct LenientTool: Decodable, Sendable {
    let metrics: ToolMetrics?

    init(from decoder: any Decoder) throws {
        let name = decoder.codingPath.last?.stringValue ?? ""
        let path = "tool_metrics[\"\(DisplayText.sanitized(name, maxLength: 60))\"]"
        guard let fields = try? FieldReader(decoder, path: path, tool: name) else {
            let kind = (try? JSONKind(from: decoder))?.name ?? "not an object"
            IssueLog.from(decoder).add(DataIssue(path: path, kind: .dropped, value: kind, tool: name))
            metrics = nil
            return
        }
        let total = fields.count("total_calls") ?? 0
        var lifetime = fields.tolerant(LifetimePercentiles.self, "lifetime")
        if let value = lifetime,
            ![value.p50Ms, value.p95Ms, value.p99Ms, value.p999Ms].allSatisfy({
                $0.isFinite && (0...Plausibility.maxLatencyMs).contains($0)
            })
        {
            fields.flag("lifetime", .outOfRange, "p50 \(value.p50Ms), p999 \(value.p999Ms)")
            lifetime = nil
        }
        metrics = ToolMetrics(
            toolName: fields.string("tool_name", required: true) ?? name,
            totalCalls: total,
            successfulCalls: fields.count("successful_calls") ?? 0,
            failedCalls: fields.count("failed_calls") ?? 0,
            successRate: fields.percent("success_rate") ?? 0,
            avgLatencyMs: fields.latency("avg_latency_ms") ?? 0,
            p50LatencyMs: fields.latency("p50_latency_ms") ?? 0,
            p95LatencyMs: fields.latency("p95_latency_ms") ?? 0,
            p99LatencyMs: fields.latency("p99_latency_ms") ?? 0,
            minLatencyMs: fields.latency("min_latency_ms") ?? 0,
            maxLatencyMs: fields.latency("max_latency_ms") ?? 0,
            errorTypes: fields.counts("error_types"),
            windowSamples: fields.count("window_samples", required: false),
            lifetime: lifetime
        )
    }
}
