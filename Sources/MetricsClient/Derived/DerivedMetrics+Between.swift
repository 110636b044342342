import MetricsWire

extension DerivedMetrics {
    /// The rates from `previous` to `current`; `nil` when `current` holds no new data (same timestamp)
    /// or no time passed.
    ///
    /// - Parameter receivedInterval: seconds between receiving the two, used when the server's timestamps
    ///   do not advance (a clock step, or a server that restarted with a skewed clock).
    public static func between(
        _ previous: DecodedSnapshot,
        _ current: DecodedSnapshot,
        receivedInterval: Double
    ) -> DerivedMetrics? {
        let old = previous.snapshot
        let new = current.snapshot
        guard new.timestamp != old.timestamp else { return nil }
        let serverInterval = new.timestamp - old.timestamp
        let interval = serverInterval > 0 ? serverInterval : receivedInterval
        guard interval > 0, interval.isFinite else { return nil }

        let restarted =
            old.systemMetrics.startTime > 0 && new.systemMetrics.startTime > 0
            && abs(new.systemMetrics.startTime - old.systemMetrics.startTime) > 1
        var counters = CounterDelta(restarted: restarted)
        var derived = DerivedMetrics(interval: interval, serverRestarted: restarted)

        var totalCalls = 0
        derived.tools.reserveCapacity(new.toolMetrics.count)
        for (name, tool) in new.toolMetrics
        where !current.flaggedTools.contains(name) && !previous.flaggedTools.contains(name) {
            let before = old.toolMetrics[name]
            let calls = counters.increase(from: before?.totalCalls ?? 0, to: tool.totalCalls)
            let failures = counters.increase(from: before?.failedCalls ?? 0, to: tool.failedCalls)
            totalCalls += calls
            derived.tools[name] = ToolRates(
                calls: calls,
                failures: failures,
                callsPerSecond: Double(calls) / interval,
                failuresPerSecond: Double(failures) / interval
            )
        }
        derived.totalCallsPerSecond = Double(totalCalls) / interval

        for (name, cache) in new.cacheMetrics
        where !current.flaggedCaches.contains(name) && !previous.flaggedCaches.contains(name) {
            let before = old.cacheMetrics[name]
            let wentDown = (before?.hits ?? 0) > cache.hits || (before?.misses ?? 0) > cache.misses
            // Hits and misses reset together: if either went down, both count from zero.
            let hits = wentDown ? cache.hits : counters.increase(from: before?.hits ?? 0, to: cache.hits)
            let misses = wentDown ? cache.misses : counters.increase(from: before?.misses ?? 0, to: cache.misses)
            if wentDown { counters.sawReset = true }
            derived.caches[name] = CacheRates(
                hits: hits,
                misses: misses,
                requestsPerSecond: Double(hits + misses) / interval
            )
        }

        if let before = old.uploadMetrics, let after = new.uploadMetrics {
            let sent = counters.increase(from: before.bytesSent, to: after.bytesSent)
            derived.uploadBytesPerSecond = Double(sent) / interval
        }
        derived.counterReset = counters.sawReset || restarted
        return derived
    }
}
