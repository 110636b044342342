import Foundation
import MetricsWire

/// Measures every tool call and cache lookup of the engine and produces the `/metrics` snapshot.
///
/// Recording is the hot path: O(1), lock per tool, no allocation after a tool's first call. Keep a
/// ``ToolRecorder`` from ``tool(_:)`` to skip the name lookup entirely. Readers call ``snapshot(maxAge:)``,
/// which computes at most once per ``MetricsConfiguration/snapshotMaxAge`` and hands the same value to
/// everyone in between.
public final class MetricsCollector: Sendable {
    /// The settings this collector was made with.
    public let configuration: MetricsConfiguration
    /// Raised when a cache starts or stops failing, so `/health` checks again at once.
    public let healthSignal = HealthSignal()
    /// When the collector was created, in seconds since 1970.
    public let startTime: Double

    private let counters: CollectorCounters
    private let registry: Guarded<Registry>
    private let caches: Guarded<[String: CacheRecorder]>
    private let sources: Guarded<Sources>
    private let methods = Guarded(Methods())
    private let cachedSnapshot: Guarded<CachedSnapshot>
    private let startInstant = ContinuousClock.now

    private struct Registry {
        var tools: [String: ToolRecorder] = [:]
        /// Every name looked up so far (sanitised or not) to the recorder it counts under: the fast path.
        var index = ToolIndex()
    }

    private struct Sources {
        var engine: EngineInfo?
        var uploads: (@Sendable () -> UploadMetrics)?
        var mcp: (@Sendable () -> MCPMetrics)?
        var otlp: (@Sendable () -> OTLPMetrics)?
    }

    /// Recorders of MCP request methods other than `tools/call`, by who asked.
    private struct Methods {
        var client: [String: ToolRecorder] = [:]
        var server: [String: ToolRecorder] = [:]
    }

    private struct CachedSnapshot {
        var taken: ContinuousClock.Instant
        var value: MetricsSnapshot?
        /// Whether a reader is computing a fresh one now.
        var computing: Bool
        /// When a reader last asked for a snapshot.
        var lastRead: ContinuousClock.Instant?
    }

    /// Creates a collector; with `spans`, every call recorded through a ``ToolRecorder`` is also handed to it as
    /// a span (an engine exporting traces; a proxy's observer makes its own spans and passes none).
    public init(configuration: MetricsConfiguration = .init(), spans: (any SpanSink)? = nil) {
        self.configuration = configuration
        self.counters = CollectorCounters(enabled: configuration.enabled, spans: spans)
        self.registry = Guarded(Registry())
        self.caches = Guarded([:])
        self.sources = Guarded(Sources())
        self.cachedSnapshot = Guarded(CachedSnapshot(taken: .now, value: nil, computing: false, lastRead: nil))
        self.startTime = Date().timeIntervalSince1970
    }

    /// The handle for `name`, created on first use. Names are sanitised (see ``ToolRecorder/name``); past
    /// ``MetricsConfiguration/maxTools`` distinct names, new ones share one handle named
    /// ``MetricsConfiguration/overflowToolName``.
    public func tool(_ name: String) -> ToolRecorder {
        registry.withLock { registry in
            if let recorder = registry.index.recorder(for: name) { return recorder }
            let clean = LabelSanitizer.sanitize(name)
            let recorder: ToolRecorder
            if let existing = registry.tools[clean] {
                recorder = existing
            } else {
                let key = registry.tools.count < configuration.maxTools ? clean : MetricsConfiguration.overflowToolName
                recorder =
                    registry.tools[key] ?? ToolRecorder(name: key, configuration: configuration, collector: counters)
                registry.tools[key] = recorder
            }
            // Remember this spelling so the next call skips sanitising, but only a bounded number of them.
            if registry.index.count < configuration.maxTools * 5 {
                registry.index.set(recorder, for: name)
            }
            return recorder
        }
    }

    /// Records one call of `tool`; see ``ToolRecorder/record(latencyMs:success:errorType:)`` for the rules.
    public func record(tool: String, latencyMs: Double, success: Bool, errorType: String? = nil) {
        guard configuration.enabled else { return }
        self.tool(tool).record(latencyMs: latencyMs, success: success, errorType: errorType)
    }

    /// Records one call of `tool` whose duration is given as a `Duration`.
    public func record(tool: String, latency: Duration, success: Bool, errorType: String? = nil) {
        guard configuration.enabled else { return }
        self.tool(tool).record(latency: latency, success: success, errorType: errorType)
    }

    /// The counters of the cache called `name`, created on first use.
    public func cache(_ name: String) -> CacheRecorder {
        caches.withLock { caches in
            if let recorder = caches[name] { return recorder }
            let recorder = CacheRecorder(name: name, enabled: configuration.enabled, healthSignal: healthSignal)
            caches[name] = recorder
            return recorder
        }
    }

    /// Marks a request as started; balance with ``requestFinished()``. Feeds `concurrent_requests`.
    public func requestStarted() { counters.inFlight.add(1, ordering: .relaxed) }
    /// Marks a request as finished.
    public func requestFinished() { counters.inFlight.subtract(1, ordering: .relaxed) }
    /// Marks a session as opened; balance with ``sessionClosed()``. Feeds `active_sessions`.
    public func sessionOpened() { counters.activeSessions.add(1, ordering: .relaxed) }
    /// Marks a session as closed.
    public func sessionClosed() { counters.activeSessions.subtract(1, ordering: .relaxed) }

    /// Runs `body` counted as one in-flight request.
    public func trackingRequest<T>(_ body: () async throws -> T) async rethrows -> T {
        requestStarted()
        defer { requestFinished() }
        return try await body()
    }

    /// Sets what the snapshot says about the engine itself.
    public func setEngineInfo(_ info: EngineInfo) {
        sources.withLock { $0.engine = info }
    }

    /// Sets where the snapshot's `upload_metrics` come from.
    public func setUploadMetricsSource(_ source: @escaping @Sendable () -> UploadMetrics) {
        sources.withLock { $0.uploads = source }
    }

    /// Sets where the snapshot's `otlp` section comes from (a span exporter).
    public func setOTLPSource(_ source: @escaping @Sendable () -> OTLPMetrics) {
        sources.withLock { $0.otlp = source }
    }

    /// Sets where the snapshot's `mcp` section comes from (a proxy's observer); method metrics are added.
    public func setMCPSource(_ source: @escaping @Sendable () -> MCPMetrics) {
        sources.withLock { $0.mcp = source }
    }

    /// The handle for an MCP request method other than `tools/call`: one the client asked
    /// (`fromServer: false`) or the server asked (`true`). Names are sanitised; past 200 methods per side,
    /// new ones share one handle named ``MetricsConfiguration/overflowToolName``.
    public func method(_ name: String, fromServer: Bool = false) -> ToolRecorder {
        methods.withLock { methods in
            let clean = LabelSanitizer.sanitize(name)
            if let existing = fromServer ? methods.server[clean] : methods.client[clean] { return existing }
            let count = fromServer ? methods.server.count : methods.client.count
            let key = count < 200 ? clean : MetricsConfiguration.overflowToolName
            let recorder =
                (fromServer ? methods.server[key] : methods.client[key])
                ?? ToolRecorder(name: key, configuration: configuration, collector: counters)
            if fromServer { methods.server[key] = recorder } else { methods.client[key] = recorder }
            return recorder
        }
    }

    /// Zeroes every tool and cache counter; gauges (in-flight, entries, bytes) keep their values.
    public func reset() {
        for tool in registry.withLock({ Array($0.tools.values) }) { tool.reset() }
        for method in methods.withLock({ Array($0.client.values) + Array($0.server.values) }) { method.reset() }
        for cache in caches.withLock({ Array($0.values) }) { cache.reset() }
        counters.reset()
        cachedSnapshot.withLock { $0.value = nil }
    }

    /// The current snapshot, reused if it is younger than `maxAge` (by default the configured 250 ms).
    /// Pass `.zero` to force a fresh one, as tests that assert on just-recorded calls do.
    ///
    /// One reader at a time recomputes an expired snapshot; readers arriving meanwhile get the previous one
    /// (at most one refresh older) instead of waiting, so a busy `/metrics` never stalls behind the work.
    public func snapshot(maxAge: Duration? = nil) -> MetricsSnapshot {
        let limit = maxAge ?? configuration.snapshotMaxAge
        let now = ContinuousClock.now
        let reuse: MetricsSnapshot? = cachedSnapshot.withLock { cache in
            cache.lastRead = now
            if let value = cache.value, limit > .zero {
                if now - cache.taken < limit { return value }
                if cache.computing { return value }
            }
            cache.computing = true
            return nil
        }
        if let reuse { return reuse }
        let value = computeSnapshot()
        cachedSnapshot.withLock { cache in
            cache.taken = now
            cache.value = value
            cache.computing = false
        }
        return value
    }

    /// Keeps the shared snapshot fresh ahead of its readers until cancelled, so a reader finds a current
    /// one instead of computing it on its request. Works only while someone read a snapshot in the last
    /// two seconds: an engine nobody watches does no snapshot work. `afterRefresh` runs after each refresh
    /// (the endpoint encodes the new snapshot there, also off the request path).
    public func runSnapshotRefresher(afterRefresh: () -> Void = {}) async {
        let period = configuration.snapshotMaxAge * 0.8
        var watched = false
        while !Task.isCancelled {
            do {
                // Unwatched, it looks once a second: an idle engine (a proxy nobody watches) stays asleep.
                try await Task.sleep(for: watched ? period : max(period, .seconds(1)))
            } catch {
                return
            }
            let lastRead = cachedSnapshot.withLock { $0.lastRead }
            watched = lastRead.map { ContinuousClock.now - $0 < .seconds(2) } ?? false
            guard watched, let lastRead else { continue }
            _ = snapshot(maxAge: period * 0.5)
            afterRefresh()
            // Those reads were ours, not a reader's.
            cachedSnapshot.withLock { $0.lastRead = lastRead }
        }
    }

    /// The statistics of one tool from a fresh snapshot, or `nil` if it has no calls.
    public func toolMetrics(_ name: String) -> ToolMetrics? {
        snapshot(maxAge: .zero).toolMetrics[LabelSanitizer.sanitize(name)]
    }

    func allTools() -> [ToolRecorder] {
        registry.withLock { Array($0.tools.values) }
    }

    private func computeSnapshot() -> MetricsSnapshot {
        let uptime = (ContinuousClock.now - startInstant) / .seconds(1)
        let (engine, uploads, mcpSource, otlp) = sources.withLock { ($0.engine, $0.uploads, $0.mcp, $0.otlp) }
        var tools: [String: ToolMetrics] = [:]
        var cacheMetrics: [String: CacheMetrics] = [:]
        var totalCalls = 0
        if configuration.enabled {
            var scratch: [Double] = []
            scratch.reserveCapacity(configuration.windowSize)
            for recorder in allTools() {
                guard let metrics = recorder.metrics(scratch: &scratch) else { continue }
                tools[recorder.name] = metrics
                totalCalls += metrics.totalCalls
            }
            for recorder in caches.withLock({ Array($0.values) }) {
                cacheMetrics[recorder.name] = recorder.metrics
            }
        }
        return MetricsSnapshot(
            enabled: configuration.enabled,
            timestamp: Date().timeIntervalSince1970,
            engine: engine,
            toolMetrics: tools,
            cacheMetrics: cacheMetrics,
            systemMetrics: SystemMetrics(
                activeSessions: counters.activeSessions.load(ordering: .relaxed),
                concurrentRequests: counters.inFlight.load(ordering: .relaxed),
                totalRequests: totalCalls,
                startTime: startTime,
                uptimeSeconds: MetricsRounding.twoDecimals(uptime),
                rssBytes: ProcessMemory.residentBytes(),
                rejectedSamples: counters.rejectedSamples.load(ordering: .relaxed),
                clampedSamples: counters.clampedSamples.load(ordering: .relaxed)
            ),
            uploadMetrics: uploads?(),
            mcp: mcpSource.map { source in
                var mcp = source()
                guard configuration.enabled else { return mcp }
                var scratch: [Double] = []
                let (client, server) = methods.withLock { (Array($0.client.values), Array($0.server.values)) }
                for recorder in client {
                    mcp.methodMetrics[recorder.name] = recorder.metrics(scratch: &scratch)
                }
                for recorder in server {
                    mcp.serverRequestMetrics[recorder.name] = recorder.metrics(scratch: &scratch)
                }
                return mcp
            },
            otlp: otlp?()
        )
    }
}

extension MetricsCollector {
    /// Every tool's exact latency buckets, sums and counts by outcome, sorted by tool name, then every MCP
    /// method's a client asked (a proxy's `initialize`, `tools/list`, …), sorted by method: what a
    /// Prometheus histogram needs. Empty when metrics are disabled.
    public func latencyDistributions() -> [LatencyDistribution] {
        guard configuration.enabled else { return [] }
        let tools = allTools().sorted { $0.name < $1.name }
        let clientMethods = methods.withLock { $0.client.values.sorted { $0.name < $1.name } }
        return tools.compactMap { $0.distribution(method: "tools/call", tool: $0.name) }
            + clientMethods.compactMap { $0.distribution(method: $0.name, tool: nil) }
    }
}
