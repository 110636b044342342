/// One tool's lifetime latency distribution: whole microseconds from 1 µs to an hour, two significant digits.
///
/// The layout is an HDR histogram's, bucket for bucket the one hdrhistogram-swift builds with
/// `lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two`
/// (3 328 counts; the tests check every quantile against that library's `valueAtPercentile`). It adds a
/// running total per power-of-two bucket, so a quantile skips whole buckets and reads at most 256 counts
/// instead of walking all of them — and it reads its own counts directly, which the library keeps internal.
struct LatencyHistogram {
    /// The largest value kept; larger ones are recorded as this.
    static let highestTrackableValue: UInt64 = 3_600_000_000
    /// Power-of-two buckets needed to reach ``highestTrackableValue`` with 256 sub-buckets in the first.
    static let bucketCount = 25

    private static let subBucketHalfCountMagnitude = 7
    private static let subBucketHalfCount = 1 << subBucketHalfCountMagnitude
    private static let subBucketMask: UInt64 = 255
    /// 64 minus the bits of the largest value in bucket 0 (255).
    private static let leadingZeroCountBase = 56
    private static let countsLength = (bucketCount + 1) * subBucketHalfCount

    /// `countsLength` counts (HDR layout), then one total per bucket.
    private var slots: [UInt64]
    /// Values recorded.
    private(set) var totalCount: UInt64 = 0
    private var minNonZeroValue = UInt64.max
    private var maxValue: UInt64 = 0

    init() {
        slots = [UInt64](repeating: 0, count: Self.countsLength + Self.bucketCount)
    }

    /// Records one value, clamped to ``highestTrackableValue``. Allocates nothing.
    mutating func record(_ value: UInt64) {
        let value = Swift.min(value, Self.highestTrackableValue)
        let bucket = Self.leadingZeroCountBase - (value | Self.subBucketMask).leadingZeroBitCount
        let index = Self.countsIndex(bucket: bucket, subBucket: Int(truncatingIfNeeded: value >> bucket))
        slots.withUnsafeMutableBufferPointer { slots in
            slots[index] &+= 1
            slots[Self.countsLength + bucket] &+= 1
        }
        totalCount &+= 1
        if value > maxValue { maxValue = value }
        if value != 0, value < minNonZeroValue { minNonZeroValue = value }
    }

    /// Several quantiles in one pass, given in parts per thousand in ascending order.
    ///
    /// Each answer is the highest value equivalent to the first count at which the cumulative count reaches
    /// `ceil(q · total)`, clamped to the recorded range: what hdrhistogram-swift's `valueAtPercentile` answers.
    /// All zeros when nothing was recorded.
    func values(atPerMille perMille: [Int]) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: perMille.count)
        guard totalCount > 0, !perMille.isEmpty else { return result }
        let low = slots[0] > 0 ? 0 : minNonZeroValue
        let high = maxValue
        var next = 0
        var target = Self.target(perMille: perMille[0], total: totalCount)
        var cumulative: UInt64 = 0
        slots.withUnsafeBufferPointer { slots in
            for bucket in 0..<Self.bucketCount {
                let bucketTotal = slots[Self.countsLength + bucket]
                if cumulative + bucketTotal < target {
                    cumulative += bucketTotal
                    continue
                }
                let first = bucket == 0 ? 0 : (bucket + 1) << Self.subBucketHalfCountMagnitude
                let end = (bucket + 2) << Self.subBucketHalfCountMagnitude
                for index in first..<end {
                    cumulative += slots[index]
                    while cumulative >= target {
                        result[next] = Swift.max(Swift.min(Self.highestEquivalentValue(index: index), high), low)
                        next += 1
                        guard next < perMille.count else { return }
                        target = Self.target(perMille: perMille[next], total: totalCount)
                    }
                }
            }
        }
        return result
    }

    /// The 1-based count a quantile must reach: `ceil(perMille · total / 1000)`, at least 1.
    private static func target(perMille: Int, total: UInt64) -> UInt64 {
        Swift.max(1, (UInt64(perMille) * total + 999) / 1000)
    }

    private static func countsIndex(bucket: Int, subBucket: Int) -> Int {
        ((bucket + 1) << subBucketHalfCountMagnitude) + subBucket - subBucketHalfCount
    }

    /// The largest value counted at `index`.
    private static func highestEquivalentValue(index: Int) -> UInt64 {
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount
        if bucket < 0 {
            subBucket -= subBucketHalfCount
            bucket = 0
        }
        return (UInt64(subBucket + 1) << bucket) - 1
    }
}
