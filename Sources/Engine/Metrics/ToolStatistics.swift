import MetricsWire

/// Everything the collector keeps about one tool; lives inside a ``ToolRecorder``'s lock.
///
/// Every buffer is sized when the tool is first seen, so recording a call allocates nothing afterwards
/// (a new error type is the one exception: its name is stored once).
struct ToolStatistics {
    /// Latencies are kept in the histogram as whole microseconds up to this bound (one hour).
    static let histogramMaxMicros = LatencyHistogram<UInt64>.highestTrackableValue
    /// The largest latency recorded as given; larger ones are clamped to it and counted.
    static let maxLatencyMs = Double(histogramMaxMicros) / 1000

    var total = 0
    var successful = 0
    var failed = 0
    var latencySumMs = 0.0
    /// The successful calls' latency sum, in milliseconds.
    var successfulSumMs = 0.0
    var minLatencyMs = Double.infinity
    var maxLatencyMs = 0.0
    var errorTypes: [String: Int] = [:]
    /// Rounds of multi-round calls (see ``CallRounds``); all zero while every call took one round.
    var multiRound = RoundCounts()
    /// A ring of the last `window.count` latencies; `windowNext` is where the next one goes.
    var window: [Double]
    /// Each window sample's counts index in the histograms, alongside `window`.
    var windowIndices: [UInt16]
    var windowNext = 0
    var windowFilled = 0
    /// The window's samples counted by bucket, so a percentile's bucket is found without sorting.
    var windowBuckets = LatencyHistogram<UInt32>()
    /// Every call since start.
    var histogram = LatencyHistogram<UInt64>()
    /// Successful calls per fixed exposition bucket (not cumulative); the last slot is above the largest bound.
    var bucketCounts: [Int]
    /// Failed calls per exposition bucket, by error type (the keys of `errorTypes`).
    var errorBuckets: [String: ExpositionBuckets] = [:]
    /// The window's calls per ``LatencyBuckets/standardBoundsMs`` bucket, kept as samples enter and leave.
    var windowHistogram: [Int]
    /// Each window sample's ``LatencyBuckets/standardBoundsMs`` bucket, alongside `window`.
    var windowBucket: [UInt8]
    let maxErrorTypes: Int

    /// The buckets latencies are counted in: ``LatencyBuckets/standardBoundsMs``.
    static let fineBoundsMs = LatencyBuckets.standardBoundsMs
    /// Upper bounds (ms) of the Prometheus latency buckets, counted exactly as calls are recorded: the
    /// fine ones from 0.1 ms, so a fast local tool spreads over several buckets and a five-minute model call
    /// still falls below the last bound (the OpenTelemetry MCP conventions advise 10 ms … 300 s).
    static let bucketBoundsMs: [Double] = fineBoundsMs.filter { $0 >= 0.1 }
    /// Fine buckets below the first exposition bound: a fine bucket `b` is exposition bucket
    /// `max(0, b - exposureOffset)`.
    static let exposureOffset = fineBoundsMs.count - bucketBoundsMs.count

    /// For each histogram counts index, the fine bucket of every latency counted there, or
    /// ``boundInside`` when a bucket bound falls inside the index's range and the latency itself must be
    /// compared. A latency `x` ms is counted at the index of `round(x · 1000)` µs, so an index whose range
    /// holds no bound (in µs) only ever sees latencies at least 0.5 µs from every bound.
    static let fineBucketByIndex: [UInt8] = {
        let bounds = fineBoundsMs.map { UInt64($0 * 1000) }
        return (0..<LatencyHistogram<UInt64>.countsLength).map { index in
            let range = LatencyHistogram<UInt64>.valueRange(index: index)
            if bounds.contains(where: range.contains) { return boundInside }
            return UInt8(bounds.firstIndex { range.lowerBound <= $0 } ?? bounds.count)
        }
    }()
    static let boundInside: UInt8 = .max

    init(windowSize: Int, maxErrorTypes: Int) {
        window = [Double](repeating: 0, count: windowSize)
        windowIndices = [UInt16](repeating: 0, count: windowSize)
        bucketCounts = [Int](repeating: 0, count: Self.bucketBoundsMs.count + 1)
        windowHistogram = [Int](repeating: 0, count: Self.fineBoundsMs.count + 1)
        windowBucket = [UInt8](repeating: 0, count: windowSize)
        self.maxErrorTypes = maxErrorTypes
    }

    mutating func record(latencyMs: Double, success: Bool, errorType: String?) {
        total += 1
        latencySumMs += latencyMs
        if latencyMs < minLatencyMs { minLatencyMs = latencyMs }
        if latencyMs > maxLatencyMs { maxLatencyMs = latencyMs }
        // Whole microseconds, rounded half up (the latency is finite, at least 0 and at most an hour).
        let index = histogram.record(UInt64(latencyMs * 1000 + 0.5))
        var bucket = Int(Self.fineBucketByIndex[index])
        if bucket == Self.boundInside {
            bucket = 0
            while bucket < Self.fineBoundsMs.count, latencyMs > Self.fineBoundsMs[bucket] { bucket += 1 }
        }
        if windowFilled == window.count {
            windowBuckets.move(from: Int(windowIndices[windowNext]), to: index)
            windowHistogram[Int(windowBucket[windowNext])] -= 1
        } else {
            windowFilled += 1
            windowBuckets.add(index: index)
        }
        window[windowNext] = latencyMs
        windowIndices[windowNext] = UInt16(truncatingIfNeeded: index)
        windowBucket[windowNext] = UInt8(truncatingIfNeeded: bucket)
        windowHistogram[bucket] += 1
        windowNext += 1
        if windowNext == window.count { windowNext = 0 }
        let exposed = max(0, bucket - Self.exposureOffset)
        if success {
            successful += 1
            successfulSumMs += latencyMs
            bucketCounts[exposed] += 1
        } else {
            failed += 1
            countError(errorType ?? "unknown", bucket: exposed, latencyMs: latencyMs)
        }
    }

    private mutating func countError(_ type: String, bucket: Int, latencyMs: Double) {
        var key = type
        if errorTypes[type] == nil {
            key = LabelSanitizer.sanitize(type)
            if errorTypes[key] == nil, errorTypes.count >= maxErrorTypes { key = "other" }
        }
        errorTypes[key, default: 0] += 1
        errorBuckets[key, default: ExpositionBuckets()].add(bucket: bucket, latencyMs: latencyMs)
    }

    /// Counts the rounds of a call just recorded: `rounds` in all, `inputWaitMs` spent waiting for the user.
    mutating func countRounds(_ rounds: Int, inputWaitMs: Double) {
        multiRound.extraRounds += rounds - 1
        multiRound.calls += 1
        multiRound.inputWaitMs += inputWaitMs
    }

    mutating func reset() {
        self = ToolStatistics(windowSize: window.count, maxErrorTypes: maxErrorTypes)
    }

    /// The window's nearest-rank percentiles (parts per thousand, ascending), 0s when it is empty.
    ///
    /// Exact, without sorting: the window's bucket counts give the bucket holding each rank and how many
    /// samples lie below it; the samples of that bucket (a handful, two significant digits wide) are then
    /// picked out of the ring and the one at the remaining rank selected. Rounding to microseconds is
    /// monotonic, so bucket order is value order. `scratch` is reused between calls.
    func windowPercentiles(perMille: [Int], scratch: inout [Double]) -> [Double] {
        let count = windowFilled
        guard count > 0 else { return [Double](repeating: 0, count: perMille.count) }
        return perMille.map { quantile in
            let rank = NearestRank.rank(perMille: quantile, count: count)
            let (index, below) = windowBuckets.locate(rank: UInt64(rank))
            scratch.removeAll(keepingCapacity: true)
            let target = UInt16(truncatingIfNeeded: index)
            windowIndices.withUnsafeBufferPointer { indices in
                window.withUnsafeBufferPointer { samples in
                    for position in 0..<count where indices[position] == target {
                        scratch.append(samples[position])
                    }
                }
            }
            let offset = rank - 1 - Int(below)
            // The bucket's samples are exactly those counted there, so this holds; checked anyway, since
            // the selection below indexes without bounds checks.
            guard offset >= 0, offset < scratch.count else { return 0 }
            return scratch.withUnsafeMutableBufferPointer { candidates in
                NearestRank.select(offset, in: candidates)
                return candidates[offset]
            }
        }
    }
}

/// One error type's failed calls per exposition bucket, with their latency sum.
struct ExpositionBuckets {
    var counts = [Int](repeating: 0, count: ToolStatistics.bucketBoundsMs.count + 1)
    var sumMs = 0.0

    mutating func add(bucket: Int, latencyMs: Double) {
        counts[bucket] += 1
        sumMs += latencyMs
    }
}

/// A tool's multi-round counts.
struct RoundCounts {
    /// Calls that took more than one round.
    var calls = 0
    /// Rounds beyond each call's first, abandoned calls' included.
    var extraRounds = 0
    var inputWaitMs = 0.0
    var abandoned = 0
    /// Rounds of abandoned calls.
    var abandonedRounds = 0

    /// The wire form, given the calls counted; `nil` while no call took several rounds.
    func wire(totalCalls: Int) -> CallRounds? {
        guard calls > 0 || abandoned > 0 else { return nil }
        return CallRounds(
            rounds: totalCalls + extraRounds + abandonedRounds,
            multiRoundCalls: calls,
            inputWaitMs: MetricsRounding.twoDecimals(inputWaitMs),
            abandonedCalls: abandoned
        )
    }
}
