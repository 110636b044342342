/// A cache entry of `cache_metrics`, read leniently; `nil` when the entry is not an object at all.
struct LenientCache: Sendable {
    private typealias Key = CacheMetrics.CodingKeys

    let metrics: CacheMetrics?

    init(name: String, value: JSONValue, context: DecodingContext) {
        let path = IssuePath(section: MetricsSnapshot.CodingKeys.cacheMetrics.stringValue, entry: name)
        guard let fields = FieldReader(value, path: path, cache: name, context: context) else {
            context.log.add(DataIssue(path: path.text, kind: .dropped, value: JSONKind(value).name, cache: name))
            metrics = nil
            return
        }
        var cache = CacheMetrics(
            cacheName: fields.string(Key.cacheName, required: true) ?? name,
            hits: fields.count(Key.hits) ?? 0,
            misses: fields.count(Key.misses) ?? 0,
            evictions: fields.count(Key.evictions) ?? 0,
            sizeRejections: fields.count(Key.sizeRejections) ?? 0,
            expirations: fields.count(Key.expirations, required: false),
            coalesced: fields.count(Key.coalesced, required: false),
            entries: fields.count(Key.entries, required: false),
            maxEntries: fields.count(Key.maxEntries, required: false),
            bytes: fields.count(Key.bytes, required: false),
            maxBytes: fields.count(Key.maxBytes, required: false),
            failures: fields.count(Key.failures, required: false),
            lastFailure: fields.string(Key.lastFailure, required: false).map {
                DisplayText.singleLine($0, maxLength: 240)
            }
        )
        // The init derives these from hits and misses; prefer what the server said when it is usable.
        if let total = fields.count(Key.totalRequests) { cache.totalRequests = total }
        if let rate = fields.percent(Key.hitRate) { cache.hitRate = rate }
        metrics = cache
    }
}
