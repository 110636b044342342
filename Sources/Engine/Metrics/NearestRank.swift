/// Percentiles by the nearest-rank method.
///
/// For `n` samples sorted ascending, the q-th percentile is the sample at rank `ceil(q · n)` (1-based), so
/// it is always a value that was really observed and p100 is the maximum. The quantile is given in parts
/// per thousand and the rank is computed in integers, because `ceil(0.07 * 100)` is 8 in floating point.
enum NearestRank {
    /// The 1-based rank of the `perMille`/1000 quantile among `count` samples; 0 when `count` is 0.
    @inlinable
    static func rank(perMille: Int, count: Int) -> Int {
        guard count > 0 else { return 0 }
        return max(1, (perMille * count + 999) / 1000)
    }

    /// The `perMille`/1000 quantile of `sorted`, which must be in ascending order; 0 when empty.
    @inlinable
    static func value(perMille: Int, sorted: UnsafeBufferPointer<Double>) -> Double {
        let rank = rank(perMille: perMille, count: sorted.count)
        return rank == 0 ? 0 : sorted[rank - 1]
    }
}
