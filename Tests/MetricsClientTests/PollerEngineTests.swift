import Engine
import Foundation
import MetricsClient
import MetricsWire
import Testing

@Suite("MetricsPoller against the engine's endpoint and the Python original's shape")
struct PollerEngineTests {
    static func record(_ collector: MetricsCollector, tool: String, calls: Int, failures: Int = 0) {
        for index in 0..<calls {
            collector.record(
                tool: tool,
                latencyMs: Double(10 + index % 7),
                success: index >= failures,
                errorType: index < failures ? "timeout" : nil
            )
        }
    }

    @Test("the engine and a Python-shaped HTTP/1.0 server with the same counts give the same derived values")
    func sameDerivedValues() async throws {
        let collector = MetricsCollector(configuration: MetricsConfiguration(snapshotMaxAge: .zero))
        let cache = collector.cache("semantic_cache")
        Self.record(collector, tool: "chat", calls: 10, failures: 1)
        for _ in 0..<4 { cache.hit() }
        for _ in 0..<4 { cache.miss() }
        try await EngineFixture.with(collector: collector) { engine in
            let enginePoller = MetricsPoller(target: try MetricsTarget(parsing: engine.address))
            let first = try await enginePoller.pollOnce().get()
            Self.record(collector, tool: "chat", calls: 20, failures: 2)
            Self.record(collector, tool: "debug", calls: 5)
            for _ in 0..<6 { cache.hit() }
            for _ in 0..<2 { cache.miss() }
            try await Task.sleep(for: .milliseconds(20))
            let second = try await enginePoller.pollOnce().get()
            #expect(first.snapshot.schemaVersion == 1 && first.snapshot.toolMetrics["chat"]?.windowSamples == 10)
            #expect(first.decoded.issueCount == 0 && second.decoded.issueCount == 0)

            let engineDerived = try #require(enginePoller.state.derived)
            #expect(engineDerived.tools["chat"]?.calls == 20 && engineDerived.tools["chat"]?.failures == 2)
            #expect(engineDerived.tools["debug"]?.calls == 5)
            #expect(engineDerived.caches["semantic_cache"]?.intervalHitRate == 75)
            let elapsed = second.snapshot.timestamp - first.snapshot.timestamp
            #expect(abs(engineDerived.totalCallsPerSecond - 25 / elapsed) < 1e-9)

            // The Python original's server: the same two documents, compat fields only, indent=2, HTTP/1.0.
            let documents = [first, second].map { PythonJSON.original($0.snapshot).dumps() }
            #expect(!documents[0].contains("schema_version") && documents[0].contains("\n  \"tool_metrics\": {\n"))
            let served = ServedCount()
            let python = try RawHTTPServer(RawHTTPServer.python { documents[min(served.next(), 1)] })
            defer { python.stop() }
            let pythonPoller = MetricsPoller(target: try MetricsTarget(parsing: python.base))
            let pythonFirst = try await pythonPoller.pollOnce().get()
            _ = try await pythonPoller.pollOnce().get()
            #expect(pythonFirst.snapshot.engine == nil && pythonFirst.snapshot.schemaVersion == nil)
            #expect(pythonFirst.decoded.issues.isEmpty, "\(pythonFirst.decoded.issues)")
            #expect(pythonPoller.state.derived == engineDerived)

            let engineHistory = enginePoller.state.history
            let pythonHistory = pythonPoller.state.history
            #expect(pythonHistory.totalCallsPerSecond == engineHistory.totalCallsPerSecond)
            #expect(pythonHistory.cacheHitRate == engineHistory.cacheHitRate)
            // Everything but the arrival times, which differ between the two servers.
            func figures(_ history: MetricsHistory) -> [String: [[Double]]] {
                history.tools.mapValues { series in
                    [
                        series.p50LatencyMs.values, series.p95LatencyMs.values, series.p99LatencyMs.values,
                        series.totalCalls.values, series.failedCalls.values, series.callsPerSecond.values,
                    ]
                }
            }
            #expect(figures(pythonHistory) == figures(engineHistory))
            var stripped = second.snapshot.toolMetrics
            for name in stripped.keys {
                stripped[name]?.windowSamples = nil
                stripped[name]?.lifetime = nil
                stripped[name]?.windowHistogram = nil
            }
            #expect(pythonPoller.state.latest?.snapshot.toolMetrics == stripped)
        }
    }

    @Test("running against the engine: connected, live rates, then a restart is a reset, not a negative rate")
    func restartIsReset() async throws {
        let collector = MetricsCollector(configuration: MetricsConfiguration(snapshotMaxAge: .zero))
        let engine = try await EngineFixture.start(collector: collector)
        // The fast settings' 400 ms deadline is for hostile servers; this engine is only slow when the
        // machine is busy with the rest of the suite, and a timeout there would hide what is tested.
        var patient = PollerHarness.fast
        patient.requestTimeout = .seconds(3)
        let harness = try PollerHarness(engine.address, configuration: patient)
        Self.record(collector, tool: "chat", calls: 50)
        #expect(await harness.wait { $0.status.isConnected && $0.latest?.snapshot.toolMetrics["chat"] != nil } != nil)
        Self.record(collector, tool: "chat", calls: 30)
        #expect(await harness.wait { ($0.derived?.tools["chat"]?.calls ?? 0) > 0 } != nil)

        await engine.stop()
        #expect(await harness.wait { $0.failureCode == .connectionRefused } != nil)
        let down = harness.state
        #expect(down.isStale && down.latest?.snapshot.toolMetrics["chat"]?.totalCalls == 80)
        #expect(down.summary.contains("showing data from"))

        // A new engine on the same port, with fresh counters and a new start time.
        try await Task.sleep(for: .milliseconds(1100))
        let restarted = MetricsCollector(configuration: MetricsConfiguration(snapshotMaxAge: .zero))
        Self.record(restarted, tool: "chat", calls: 3)
        // The very snapshot that first shows the new engine, from the poller's events (every one of them, so
        // that a loaded machine cannot skip it between two looks at the state): later ones compare two of the
        // new engine's snapshots.
        let events = harness.events
        let firstAfterRestart = Task { () -> DerivedMetrics? in
            for await event in events {
                if case .snapshot(let polled, let derived) = event,
                    polled.snapshot.toolMetrics["chat"]?.totalCalls == 3
                {
                    return derived
                }
            }
            return nil
        }
        try await EngineFixture.with(collector: restarted, port: engine.port) { _ in
            let seen = await harness.wait(upTo: .seconds(30)) { state in
                state.status.isConnected && state.latest?.snapshot.toolMetrics["chat"]?.totalCalls == 3
            }
            #expect(seen != nil, "the poller never showed the new engine")
            if seen == nil { firstAfterRestart.cancel() }
            let after = try #require(await firstAfterRestart.value)
            #expect(after.serverRestarted && after.counterReset)
            #expect(after.tools["chat"]?.calls == 3)
            let rates = harness.state.history.tools["chat"]?.callsPerSecond.values ?? []
            #expect(!rates.isEmpty && rates.allSatisfy { $0 >= 0 })
            await harness.stop()
        }
    }
}

extension PollerEngineTests {
    @Test("upload MB/s and the upload series come from upload_metrics of consecutive snapshots")
    func uploadThroughput() async throws {
        let documents = try [(100.0, 1_000_000), (104.0, 21_000_000)].map { timestamp, bytes in
            let snapshot = Fixtures.snapshot(at: timestamp, tools: [], uploadedBytes: bytes).snapshot
            return String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self)
        }
        let served = ServedCount()
        let server = try RawHTTPServer(RawHTTPServer.respond { Array(documents[min(served.next(), 1)].utf8) })
        defer { server.stop() }
        let poller = MetricsPoller(target: try MetricsTarget(parsing: server.base))
        _ = try await poller.pollOnce().get()
        #expect(poller.state.derived == nil)
        _ = try await poller.pollOnce().get()
        #expect(poller.state.derived?.uploadMegabytesPerSecond == 5)
        #expect(poller.state.history.uploadMegabytesPerSecond.values == [5])
        #expect(poller.state.latest?.snapshot.uploadMetrics?.bytesSent == 21_000_000)
    }
}

/// Counts requests served, from the server's threads.
final class ServedCount: Sendable {
    private let count = Guarded(0)

    func next() -> Int {
        count.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
