import MetricsWire

/// One tool's latency histogram across the fleet: cumulative bucket rates by upper bound, as
/// `sum by (le, …) (rate(…_bucket[…]))` answers them.
///
/// The quantiles are Prometheus's own `histogram_quantile` arithmetic, done here so one query of the
/// bucket rates serves every quantile (and the call rates: the `+Inf` bucket counts every call).
struct FleetHistogram: Sendable, Equatable {
    /// Cumulative rate at or below each upper bound, in seconds (`+Inf` included once seen).
    private(set) var buckets: [Double: Double] = [:]

    /// Adds one series' rate to the bucket `le` (its text, like `0.25` or `+Inf`); other text is ignored.
    mutating func add(le text: String, rate: Double) {
        let bound = PrometheusAPI.number(text)
        guard !bound.isNaN, rate.isFinite, rate >= 0 else { return }
        buckets[bound, default: 0] += rate
    }

    /// Calls per second: the `+Inf` bucket's rate (0 when the histogram has none).
    var rate: Double { buckets[.infinity] ?? 0 }

    /// The `q` quantile in seconds, as `histogram_quantile` computes it: linear interpolation inside the
    /// bucket the rank falls in, the last finite bound when it falls in `+Inf`; `nil` when there were no
    /// calls in the window or there is no `+Inf` bucket.
    func quantile(_ q: Double) -> Double? {
        quantiles([q])[0]
    }

    /// ``quantile(_:)`` of each of `qs`, the buckets sorted once.
    func quantiles(_ qs: [Double]) -> [Double?] {
        var sorted = buckets.sorted { $0.key < $1.key }
        guard let last = sorted.last, last.key == .infinity, last.value > 0, sorted.count >= 2 else {
            return qs.map { _ in nil }
        }
        // Rates taken at slightly different instants can dip; Prometheus makes them monotonic the same way.
        for index in sorted.indices.dropFirst() where sorted[index].value < sorted[index - 1].value {
            sorted[index].value = sorted[index - 1].value
        }
        return qs.map { Self.quantile($0, sorted: sorted) }
    }

    private static func quantile(_ q: Double, sorted: [(key: Double, value: Double)]) -> Double? {
        guard let last = sorted.last else { return nil }
        var rank = min(max(q, 0), 1) * last.value
        // A bucket summed in another order than `+Inf` can miss it by a rounding error: that is not a call.
        let tolerance = last.value * 1e-9
        guard let index = sorted.firstIndex(where: { $0.value >= rank - tolerance }) else { return nil }
        if index == sorted.count - 1 { return sorted[index - 1].key }
        if index == 0, sorted[0].key <= 0 { return sorted[0].key }
        var start = 0.0
        var count = sorted[index].value
        if index > 0 {
            start = sorted[index - 1].key
            count -= sorted[index - 1].value
            rank -= sorted[index - 1].value
        }
        guard count > 0 else { return sorted[index].key }
        return start + (sorted[index].key - start) * (rank / count)
    }
}
