import Engine
import MetricsClient
import MetricsWire
import Testing

/// Settings assigned after creation stay in the range their component can use, as those given to `init` do.
@Suite("Settings cannot be put into a crashing state")
struct ClampedSettingsTests {
    @Test("a window of 0 set after creation becomes 1, and the collector records and snapshots")
    func metricsWindow() throws {
        var metrics = MetricsConfiguration()
        metrics.windowSize = 0
        metrics.maxTools = -5
        metrics.maxErrorTypesPerTool = 0
        #expect(metrics.windowSize == 1 && metrics.maxTools == 1 && metrics.maxErrorTypesPerTool == 1)
        let collector = MetricsCollector(configuration: metrics)
        collector.record(tool: "t", latencyMs: 3, success: true)
        collector.record(tool: "t", latencyMs: 5, success: false, errorType: "timeout")
        let tool = try #require(collector.snapshot(maxAge: .zero).toolMetrics["t"])
        #expect(tool.totalCalls == 2 && tool.windowSamples == 1 && tool.p99LatencyMs == 5)
    }

    @Test("every clamped setting holds its bound on assignment")
    func bounds() {
        var files = FilesConfiguration()
        files.maxParallel = 0
        files.maxFileBytes = -1
        files.fetchRetries = -3
        files.fetchBackoff = -1
        #expect(files.maxParallel == 1 && files.maxFileBytes == 1 && files.fetchRetries == 0 && files.fetchBackoff == 0)
        var cache = ResponseCacheConfiguration()
        cache.maxEntries = 0
        cache.maxTotalBytes = 0
        cache.sweepInterval = .zero
        cache.defaultTTL = .seconds(-1)
        #expect(cache.maxEntries == 1 && cache.maxTotalBytes == 1)
        #expect(cache.sweepInterval == .milliseconds(10) && cache.defaultTTL == .zero)
        var sandbox = SandboxConfiguration()
        sandbox.errorRate = 2
        #expect(sandbox.errorRate == 1)
        sandbox.errorRate = -1
        #expect(sandbox.errorRate == 0)
        var retry = RetryPolicy()
        retry.jitter = 5
        retry.multiplier = 0
        retry.maxRetries = -1
        #expect(retry.jitter == 1 && retry.multiplier == 1 && retry.maxRetries == 0)
        var poller = PollerConfiguration()
        poller.interval = .zero
        poller.historyLength = 0
        #expect(poller.interval == .milliseconds(10) && poller.historyLength == 1)
        #expect(MetricsConfiguration(windowSize: -1).windowSize == 1)
    }
}
