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

    /// Reorders `buffer` so that `buffer[k]` holds the value sorting would put there, with nothing larger
    /// before it and nothing smaller after it (C++'s `nth_element`). Hoare partitioning around a
    /// median of three handles runs of equal latencies evenly; a range that keeps partitioning badly is
    /// sorted instead, which bounds the worst case at O(n log n).
    static func select(_ k: Int, in buffer: UnsafeMutableBufferPointer<Double>) {
        var low = 0
        var high = buffer.count - 1
        var budget = 2 * (Int.bitWidth - (high - low + 1).leadingZeroBitCount) + 4
        while high > low {
            if high - low < 16 || budget == 0 {
                var range = UnsafeMutableBufferPointer(rebasing: buffer[low...high])
                range.sort()
                return
            }
            budget -= 1
            let middle = low + (high - low) / 2
            if buffer[middle] < buffer[low] { buffer.swapAt(middle, low) }
            if buffer[high] < buffer[low] { buffer.swapAt(high, low) }
            if buffer[high] < buffer[middle] { buffer.swapAt(high, middle) }
            let pivot = buffer[middle]
            var i = low
            var j = high
            while i <= j {
                while buffer[i] < pivot { i += 1 }
                while buffer[j] > pivot { j -= 1 }
                if i <= j {
                    buffer.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now buffer[low...j] <= pivot <= buffer[i...high], and anything between equals the pivot.
            if k <= j {
                high = j
            } else if k >= i {
                low = i
            } else {
                return
            }
        }
    }
}
