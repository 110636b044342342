/// Latencies in whole microseconds from 1 µs to an hour, counted at two significant digits.
///
/// The layout is an HDR histogram's, bucket for bucket the one hdrhistogram-swift builds with
/// `lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two`
/// (3 328 counts; the tests check every quantile against that library's `valueAtPercentile`). It adds a
/// running total per power-of-two bucket, so finding a rank skips whole buckets and reads at most 256
/// counts instead of walking all of them, and it can forget a value, which a sliding window needs.
/// `Count` is the counter width: 64 bits for a lifetime, 32 for a window.
struct LatencyHistogram<Count: FixedWidthInteger & UnsignedInteger> {
    /// The largest value kept; larger ones are recorded as this.
    static var highestTrackableValue: UInt64 { 3_600_000_000 }
    /// Power-of-two buckets needed to reach ``highestTrackableValue`` with 256 sub-buckets in the first.
    static var bucketCount: Int { 25 }
    /// One more than the largest counts index.
    static var countsLength: Int { (bucketCount + 1) * subBucketHalfCount }

    private static var subBucketHalfCountMagnitude: Int { 7 }
    private static var subBucketHalfCount: Int { 1 << subBucketHalfCountMagnitude }
    private static var subBucketMask: UInt64 { 255 }
    /// 64 minus the bits of the largest value in bucket 0 (255).
    private static var leadingZeroCountBase: Int { 56 }

    /// `countsLength` counts (HDR layout), then one total per bucket.
    private var slots: [Count]
    /// Values counted now.
    private(set) var totalCount: UInt64 = 0
    private var minNonZeroValue = UInt64.max
    private var maxValue: UInt64 = 0

    init() {
        slots = [Count](repeating: 0, count: Self.countsLength + Self.bucketCount)
    }

    /// Where `value` (clamped to ``highestTrackableValue``) is counted.
    static func countsIndex(of value: UInt64) -> Int {
        let value = Swift.min(value, highestTrackableValue)
        let bucket = leadingZeroCountBase - (value | subBucketMask).leadingZeroBitCount
        let subBucket = Int(truncatingIfNeeded: value >> bucket)
        return ((bucket + 1) << subBucketHalfCountMagnitude) + subBucket - subBucketHalfCount
    }

    /// Counts one value, clamped to ``highestTrackableValue``, and returns its counts index. Allocates nothing.
    @discardableResult
    mutating func record(_ value: UInt64) -> Int {
        let index = Self.countsIndex(of: value)
        add(index: index)
        let value = Swift.min(value, Self.highestTrackableValue)
        if value > maxValue { maxValue = value }
        if value != 0, value < minNonZeroValue { minNonZeroValue = value }
        return index
    }

    /// Counts one value by its counts index (no minimum or maximum kept).
    mutating func add(index: Int) {
        slots.withUnsafeMutableBufferPointer { slots in
            slots[index] &+= 1
            slots[Self.countsLength + Self.bucket(ofIndex: index)] &+= 1
        }
        totalCount &+= 1
    }

    /// Forgets one value counted at `old` and counts one at `new`: a window's oldest sample making room.
    mutating func move(from old: Int, to new: Int) {
        slots.withUnsafeMutableBufferPointer { slots in
            slots[old] &-= 1
            slots[Self.countsLength + Self.bucket(ofIndex: old)] &-= 1
            slots[new] &+= 1
            slots[Self.countsLength + Self.bucket(ofIndex: new)] &+= 1
        }
    }

    /// Forgets one value counted at `index`, which must have been added.
    mutating func remove(index: Int) {
        slots.withUnsafeMutableBufferPointer { slots in
            slots[index] &-= 1
            slots[Self.countsLength + Self.bucket(ofIndex: index)] &-= 1
        }
        totalCount &-= 1
    }

    /// The counts index holding the value of 1-based `rank` in ascending order, and how many values are
    /// counted below that index. `rank` must be in `1...totalCount`.
    func locate(rank: UInt64) -> (index: Int, below: UInt64) {
        slots.withUnsafeBufferPointer { slots in
            var cumulative: UInt64 = 0
            for bucket in 0..<Self.bucketCount {
                let bucketTotal = UInt64(slots[Self.countsLength + bucket])
                if cumulative + bucketTotal < rank {
                    cumulative += bucketTotal
                    continue
                }
                let first = bucket == 0 ? 0 : (bucket + 1) << Self.subBucketHalfCountMagnitude
                for index in first..<((bucket + 2) << Self.subBucketHalfCountMagnitude) {
                    let count = UInt64(slots[index])
                    if cumulative + count >= rank { return (index, cumulative) }
                    cumulative += count
                }
            }
            return (Self.countsLength - 1, cumulative)
        }
    }

    /// Quantiles given in parts per thousand: for each, the highest value equivalent to the index where
    /// the cumulative count first reaches `ceil(q · total)`, clamped to the recorded range — what
    /// hdrhistogram-swift's `valueAtPercentile` answers. All zeros when nothing was recorded.
    func values(atPerMille perMille: [Int]) -> [UInt64] {
        guard totalCount > 0 else { return [UInt64](repeating: 0, count: perMille.count) }
        let low = slots[0] > 0 ? 0 : minNonZeroValue
        return perMille.map { quantile in
            let rank = Swift.max(1, (UInt64(quantile) * totalCount + 999) / 1000)
            let index = locate(rank: rank).index
            return Swift.max(Swift.min(Self.valueRange(index: index).upperBound, maxValue), low)
        }
    }

    /// The values counted at `index`.
    static func valueRange(index: Int) -> ClosedRange<UInt64> {
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount
        if bucket < 0 {
            subBucket -= subBucketHalfCount
            bucket = 0
        }
        return (UInt64(subBucket) << bucket)...((UInt64(subBucket + 1) << bucket) - 1)
    }

    private static func bucket(ofIndex index: Int) -> Int {
        Swift.max(0, (index >> subBucketHalfCountMagnitude) - 1)
    }
}
