/// A cache entry of `cache_metrics`, read leniently; `nil` when the entry is not an object at all.
struct LenientCache: Sendable {
    let metrics: CacheMetrics?

    init(name: String, value: JSONValue, context: DecodingContext) {
        let path = IssuePath(section: MetricsSnapshot.CodingKeys.cacheMetrics.stringValue, entry: name)
        guard let fields = FieldReader(value, path: path, cache: name, context: context) else {
            context.log.add(DataIssue(path: path.text, kind: .dropped, value: JSONKind(value).name, cache: name))
            metrics = nil
            return
        }
        metrics = CacheMetrics.wire.read(fields, over: CacheMetrics(cacheName: name, hits: 0, misses: 0))
    }
}
