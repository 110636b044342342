/// A cache entry of `cache_metrics`, read leniently; `nil` when the entry is not an object at all.
struct LenientCache: Decodable, Sendable {
    let metrics: CacheMetrics?

    init(from decoder: any Decoder) throws {
        let name = decoder.codingPath.last?.stringValue ?? ""
        let path = "cache_metrics[\"\(DisplayText.sanitized(name, maxLength: 60))\"]"
        guard let fields = try? FieldReader(decoder, path: path, cache: name) else {
            let kind = (try? JSONKind(from: decoder))?.name ?? "not an object"
            IssueLog.from(decoder).add(DataIssue(path: path, kind: .dropped, value: kind, cache: name))
            metrics = nil
            return
        }
        var cache = CacheMetrics(
            cacheName: fields.string("cache_name", required: true) ?? name,
            hits: fields.count("hits") ?? 0,
            misses: fields.count("misses") ?? 0,
            evictions: fields.count("evictions") ?? 0,
            sizeRejections: fields.count("size_rejections") ?? 0,
            expirations: fields.count("expirations", required: false),
            coalesced: fields.count("coalesced", required: false),
            entries: fields.count("entries", required: false),
            maxEntries: fields.count("max_entries", required: false),
            bytes: fields.count("bytes", required: false),
            maxBytes: fields.count("max_bytes", required: false)
        )
        // The init derives these from hits and misses; prefer what the server said when it is usable.
        if let total = fields.count("total_requests") { cache.totalRequests = total }
        if let rate = fields.percent("hit_rate") { cache.hitRate = rate }
        metrics = cache
    }
}
