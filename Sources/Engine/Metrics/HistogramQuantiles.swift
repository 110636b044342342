import Histogram

extension Histogram {
    /// Several quantiles in one pass over the recorded values.
    ///
    /// `valueAtPercentile` walks the whole counts array on every call (about 0.5 ms each in a release build),
    /// so four of them per tool per snapshot would dominate the snapshot. This walks the non-zero buckets
    /// once and answers each quantile with the same value `valueAtPercentile` gives: the highest value
    /// equivalent to the bucket where the cumulative count first reaches `ceil(q · total)`, clamped to the
    /// recorded range. `perMille` must be ascending.
    func values(atPerMille perMille: [Int]) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: perMille.count)
        let total = totalCount
        guard total > 0 else { return result }
        let targets = perMille.map { quantile -> UInt64 in
            Swift.max(1, (UInt64(quantile) * total + 999) / 1000)
        }
        let low = self.min
        let high = maxRecorded
        var next = 0
        var cumulative: UInt64 = 0
        for item in recordedValues() where next < targets.count {
            cumulative += UInt64(item.count)
            while next < targets.count, cumulative >= targets[next] {
                let equivalent = highestEquivalentForValue(item.value)
                result[next] = Swift.max(Swift.min(equivalent, high), low)
                next += 1
            }
        }
        return result
    }
}
