/// A tool entry of `tool_metrics`, read leniently; `nil` when the entry is not an object at all.
struct LenientTool: Sendable {
    let metrics: ToolMetrics?

    init(name: String, value: JSONValue, context: DecodingContext) {
        let path = IssuePath(section: MetricsSnapshot.CodingKeys.toolMetrics.stringValue, entry: name)
        guard let fields = FieldReader(value, path: path, tool: name, context: context) else {
            context.log.add(DataIssue(path: path.text, kind: .dropped, value: JSONKind(value).name, tool: name))
            metrics = nil
            return
        }
        metrics = ToolMetrics.wire.read(fields, over: .blank(name: name))
    }
}

extension LifetimePercentiles {
    private typealias Key = ToolMetrics.CodingKeys

    /// A tool's `lifetime`, read in place (it is in every tool of every snapshot): four plausible
    /// latencies, or dropped (flagged).
    static func lenient(_ fields: FieldReader) -> LifetimePercentiles? {
        guard let member = fields.member(Key.lifetime), member.value != .null else { return nil }
        func number(_ key: CodingKeys) -> Double? {
            guard case .number(let text)? = member.value[key.stringValue] else { return nil }
            return JSONNumber.double(text)
        }
        guard let p50 = number(.p50Ms), let p95 = number(.p95Ms), let p99 = number(.p99Ms),
            let p999 = number(.p999Ms)
        else {
            fields.flag(Key.lifetime, .dropped, "expected numbers p50_ms, p95_ms, p99_ms and p999_ms")
            return nil
        }
        guard
            [p50, p95, p99, p999].allSatisfy({ $0.isFinite && (0...Plausibility.maxLatencyMs).contains($0) })
        else {
            fields.flag(Key.lifetime, .outOfRange, "p50 \(p50), p999 \(p999)")
            return nil
        }
        return LifetimePercentiles(p50Ms: p50, p95Ms: p95, p99Ms: p99, p999Ms: p999)
    }
}

extension LatencyBuckets {
    private typealias Key = ToolMetrics.CodingKeys

    /// A tool's `window_histogram`, read in place: two arrays of numbers (whole ones for the counts) of a
    /// well-formed shape, or dropped (flagged).
    static func lenient(_ fields: FieldReader) -> LatencyBuckets? {
        guard let member = fields.member(Key.windowHistogram), member.value != .null else { return nil }
        guard case .array(let bounds)? = member.value[CodingKeys.upperBoundsMs.stringValue],
            case .array(let counts)? = member.value[CodingKeys.counts.stringValue]
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
        let buckets = LatencyBuckets(upperBoundsMs: boundValues, counts: countValues)
        guard buckets.isWellFormed else {
            fields.flag(Key.windowHistogram, .outOfRange, "\(boundValues.count) bounds, \(countValues.count) counts")
            return nil
        }
        return buckets
    }
}
