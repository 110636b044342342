/// A tool entry of `tool_metrics`, read leniently; `nil` when the entry is not an object at all.
struct LenientTool: Sendable {
    private typealias Key = ToolMetrics.CodingKeys

    let metrics: ToolMetrics?

    init(name: String, value: JSONValue, context: DecodingContext) {
        let path = IssuePath(section: MetricsSnapshot.CodingKeys.toolMetrics.stringValue, entry: name)
        guard let fields = FieldReader(value, path: path, tool: name, context: context) else {
            context.log.add(DataIssue(path: path.text, kind: .dropped, value: JSONKind(value).name, tool: name))
            metrics = nil
            return
        }
        let total = fields.count(Key.totalCalls) ?? 0
        var lifetime = Self.lifetime(fields)
        if let value = lifetime,
            ![value.p50Ms, value.p95Ms, value.p99Ms, value.p999Ms].allSatisfy({
                $0.isFinite && (0...Plausibility.maxLatencyMs).contains($0)
            })
        {
            fields.flag(Key.lifetime, .outOfRange, "p50 \(value.p50Ms), p999 \(value.p999Ms)")
            lifetime = nil
        }
        var histogram = Self.histogram(fields)
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
            windowHistogram: histogram,
            rounds: fields.tolerant(CallRounds.self, Key.rounds)
        )
    }

    /// `lifetime`, read in place (it is in every tool of every snapshot): four numbers, or dropped.
    private static func lifetime(_ fields: FieldReader) -> LifetimePercentiles? {
        typealias Percentile = LifetimePercentiles.CodingKeys
        guard let member = fields.member(Key.lifetime), member.value != .null else { return nil }
        func number(_ key: Percentile) -> Double? {
            guard case .number(let text)? = member.value[key.stringValue] else { return nil }
            return JSONNumber.double(text)
        }
        guard let p50 = number(.p50Ms), let p95 = number(.p95Ms), let p99 = number(.p99Ms),
            let p999 = number(.p999Ms)
        else {
            fields.flag(Key.lifetime, .dropped, "expected numbers p50_ms, p95_ms, p99_ms and p999_ms")
            return nil
        }
        return LifetimePercentiles(p50Ms: p50, p95Ms: p95, p99Ms: p99, p999Ms: p999)
    }

    /// `window_histogram`, read in place: two arrays of numbers (whole ones for the counts), or dropped.
    private static func histogram(_ fields: FieldReader) -> LatencyBuckets? {
        typealias Buckets = LatencyBuckets.CodingKeys
        guard let member = fields.member(Key.windowHistogram), member.value != .null else { return nil }
        guard case .array(let bounds)? = member.value[Buckets.upperBoundsMs.stringValue],
            case .array(let counts)? = member.value[Buckets.counts.stringValue]
        else {
            fields.flag(Key.windowHistogram, .dropped, "expected arrays le_ms and counts")
            return nil
        }
        let boundValues = bounds.compactMap(\.doubleValue)
        let countValues = counts.compactMap(\.intValue)
        guard boundValues.count == bounds.count, countValues.count == counts.count else {
            fields.flag(Key.windowHistogram, .dropped, "le_ms must hold numbers and counts whole numbers")
            return nil
        }
        return LatencyBuckets(upperBoundsMs: boundValues, counts: countValues)
    }
}
