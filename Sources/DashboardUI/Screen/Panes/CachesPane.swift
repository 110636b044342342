import MetricsClient
import MetricsWire

/// Cache hit-rate bars, lifetime and over the last interval, with each cache's fill and churn.
struct CachesPane {
    let state: DashboardState
    let caches: [CacheRow]
    let theme: Theme

    /// Draws the pane into `rect`: a title, then two lines per cache.
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        PaneChrome.title("Caches", detail: "hit rate: lifetime · last interval", in: rect, grid: &grid, theme: theme)
        guard rect.height > 1 else { return }
        if caches.isEmpty {
            let message =
                !state.hasData
                ? state.noDataMessage : state.isMultiTarget ? "no cache has been used" : "this engine reports no caches"
            grid.write(message, x: rect.x + 1, y: rect.y + 1, maxWidth: rect.width - 2, style: theme.dim)
            return
        }
        let nameWidth = min(state.isMultiTarget ? 32 : 20, caches.reduce(0) { max($0, DisplayWidth.of(label($1))) })
        for (index, cache) in caches.enumerated() {
            let y = rect.y + 1 + 2 * index
            guard y < rect.maxY else { break }
            drawBars(
                cache.metrics,
                label: label(cache),
                interval: cache.intervalHitRate,
                nameWidth: nameWidth,
                x: rect.x + 1,
                y: y,
                width: rect.width - 2,
                grid: &grid
            )
            guard y + 1 < rect.maxY else { continue }
            if let failure = cache.metrics.lastFailure {
                // A failing store matters more than its counters.
                let prefix = cache.metrics.storeState == "unreachable" ? cache.metrics.store.map { "\($0): " } : nil
                grid.write(
                    (prefix ?? "failing: ") + failure,
                    x: rect.x + 3,
                    y: y + 1,
                    maxWidth: rect.width - 4,
                    style: theme.style(.critical)
                )
            } else {
                grid.write(details(cache.metrics), x: rect.x + 3, y: y + 1, maxWidth: rect.width - 4, style: theme.dim)
            }
        }
    }

    private func label(_ row: CacheRow) -> String {
        row.server.isEmpty ? row.metrics.cacheName : "\(row.server) · \(row.metrics.cacheName)"
    }

    private func drawBars(
        _ cache: CacheMetrics,
        label: String,
        interval: Double?,
        nameWidth: Int,
        x: Int,
        y: Int,
        width: Int,
        grid: inout ScreenGrid
    ) {
        grid.write(label, x: x, y: y, width: nameWidth, alignment: .left, style: theme.title)
        let labels = ["lifetime", "last"]
        let percentWidth = 6
        let fixed = nameWidth + labels.reduce(0) { $0 + $1.count + 3 } + 2 * (percentWidth + 1)
        let barWidth = min(30, max(4, (width - fixed) / 2))
        let values: [Double?] = [cache.totalRequests > 0 ? cache.hitRate : nil, interval]
        var column = x + nameWidth
        for (label, value) in zip(labels, values) {
            column = grid.write("  \(label) ", x: column, y: y, maxWidth: x + width - column, style: theme.dim)
            let level = value.map { Theme.level(hitRate: $0) } ?? .normal
            grid.bar(
                fraction: (value ?? 0) / 100,
                x: column,
                y: y,
                width: min(barWidth, max(0, x + width - column)),
                style: theme.style(level),
                emptyStyle: theme.barEmpty
            )
            column += barWidth
            let text = value.map(Format.percent) ?? "–"
            grid.write(
                text,
                x: column,
                y: y,
                width: min(percentWidth + 1, max(0, x + width - column)),
                alignment: .right
            )
            column += percentWidth + 1
        }
    }

    private func details(_ cache: CacheMetrics) -> String {
        var parts: [String] = []
        if let store = cache.store {
            parts.append(cache.storeState.map { "\(store) \($0)" } ?? store)
        }
        if let shared = cache.sharedHitRate {
            // Where the hits came from: this process (L1) and the shared store (L2, of the lookups it was asked).
            let local = cache.totalRequests > 0 ? Format.percent(cache.localHitRate) : "–"
            let asked = cache.sharedLookups ?? 0
            parts.append("L1 \(local) · L2 \(asked > 0 ? Format.percent(shared) : "–") of \(Format.count(asked))")
        }
        if let entries = cache.entries {
            parts.append(cache.maxEntries.map { "\(entries)/\($0) entries" } ?? "\(entries) entries")
        }
        if let bytes = cache.bytes {
            parts.append(cache.maxBytes.map { "\(Format.bytes(bytes))/\(Format.bytes($0))" } ?? Format.bytes(bytes))
        }
        parts.append("\(Format.count(cache.evictions)) evicted")
        if let expirations = cache.expirations { parts.append("\(Format.count(expirations)) expired") }
        parts.append("\(Format.count(cache.sizeRejections)) rejected")
        parts.append("\(Format.count(cache.totalRequests)) lookups")
        if let failures = cache.failures, failures > 0 { parts.append("\(Format.count(failures)) failed") }
        return parts.joined(separator: " · ")
    }
}
