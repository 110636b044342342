/// Everything the collector keeps about one tool; lives inside a ``ToolRecorder``'s lock.
///
/// Every buffer is sized when the tool is first seen, so recording a call allocates nothing afterwards
/// (a new error type is the one exception: its name is stored once).
struct ToolStatistics {
    /// Latencies are kept in the histogram as whole microseconds up to this bound (one hour).
    static let histogramMaxMicros = LatencyHistogram.highestTrackableValue
    /// The largest latency recorded as given; larger ones are clamped to it and counted.
    static let maxLatencyMs = Double(histogramMaxMicros) / 1000

    var total = 0
    var successful = 0
    var failed = 0
    var latencySumMs = 0.0
    var minLatencyMs = Double.infinity
    var maxLatencyMs = 0.0
    var errorTypes: [String: Int] = [:]
    /// A ring of the last `window.count` latencies; `windowNext` is where the next one goes.
    var window: [Double]
    var windowNext = 0
    var windowFilled = 0
    var histogram = LatencyHistogram()
    /// Calls per fixed exposition bucket (not cumulative); the last slot is above the largest bound.
    var bucketCounts: [Int]
    let maxErrorTypes: Int

    /// Upper bounds (ms) of the Prometheus latency buckets, counted exactly as calls are recorded.
    static let bucketBoundsMs: [Double] = [
        1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 120_000, 300_000,
    ]

    init(windowSize: Int, maxErrorTypes: Int) {
        window = [Double](repeating: 0, count: windowSize)
        bucketCounts = [Int](repeating: 0, count: Self.bucketBoundsMs.count + 1)
        self.maxErrorTypes = maxErrorTypes
    }

    mutating func record(latencyMs: Double, success: Bool, errorType: String?) {
        total += 1
        latencySumMs += latencyMs
        if latencyMs < minLatencyMs { minLatencyMs = latencyMs }
        if latencyMs > maxLatencyMs { maxLatencyMs = latencyMs }
        window[windowNext] = latencyMs
        windowNext += 1
        if windowNext == window.count { windowNext = 0 }
        if windowFilled < window.count { windowFilled += 1 }
        histogram.record(UInt64((latencyMs * 1000).rounded()))
        var bucket = 0
        while bucket < Self.bucketBoundsMs.count, latencyMs > Self.bucketBoundsMs[bucket] { bucket += 1 }
        bucketCounts[bucket] += 1
        if success {
            successful += 1
        } else {
            failed += 1
            countError(errorType ?? "unknown")
        }
    }

    private mutating func countError(_ type: String) {
        if let count = errorTypes[type] {
            errorTypes[type] = count + 1
            return
        }
        var key = LabelSanitizer.sanitize(type)
        if errorTypes[key] == nil, errorTypes.count >= maxErrorTypes { key = "other" }
        errorTypes[key, default: 0] += 1
    }

    mutating func reset() {
        self = ToolStatistics(windowSize: window.count, maxErrorTypes: maxErrorTypes)
    }

    /// Copies the window's samples into `buffer` (replacing its contents) without sharing storage, so the
    /// next `record` does not have to copy the ring.
    func copyWindow(into buffer: inout [Double]) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: window[0..<windowFilled])
    }
}
