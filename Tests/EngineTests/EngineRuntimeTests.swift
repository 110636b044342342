import Engine
import Foundation
import Logging
import MetricsClient
import MetricsWire
import ServiceLifecycle
import TestSupport
import Testing

@Suite("EngineRuntime")
struct EngineRuntimeTests {
    @Test("POST /v1/uploads/test uploads generated files through the real uploader to the sandbox")
    func testUpload() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let configuration = EngineConfiguration(
            fileCache: FileCacheConfiguration(path: directory.file("ids.sqlite")),
            endpoint: EndpointConfiguration(port: 0, controlToken: "t0ken")
        )
        let runtime = EngineRuntime(
            configuration: configuration,
            options: EngineOptions(mode: .serve, demo: nil, tokenPath: directory.file("token")),
            logger: logger
        )
        #expect(runtime.warnings.isEmpty)
        try await Self.running(runtime, logger: logger) { server in
            try await Self.uploadThroughControlAPI(runtime, server)
        }
    }

    private static func uploadThroughControlAPI(_ runtime: EngineRuntime, _ server: RunningEndpoint) async throws {
        let started = try await server.request(
            "/v1/uploads/test",
            method: .POST,
            body: Data(#"{"files":3,"size_bytes":100000}"#.utf8),
            token: "t0ken"
        )
        #expect(started.status == 202, "\(String(decoding: started.body, as: UTF8.self))")
        var uploads = UploadMetrics(maxParallel: 0)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let snapshot = try JSONDecoder().decode(
                MetricsSnapshot.self,
                from: try await server.request("/metrics").body
            )
            uploads = snapshot.uploadMetrics ?? uploads
            if uploads.completed == 3 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(uploads.completed == 3 && uploads.failed == 0)
        #expect(uploads.bytesSent == 300_000)
        #expect(
            uploads.recent.count == 3 && uploads.recent.allSatisfy { $0.fileID != nil && $0.file.hasPrefix("test-") }
        )
        #expect(runtime.uploads?.sandbox?.stats.uploadsStored == 3)
        #expect(runtime.collector.snapshot(maxAge: .zero).engine?.filesAPI == "sandbox")
        let health = try await server.request("/health")
        #expect(health.status == 200)
        #expect(String(decoding: health.body, as: UTF8.self).contains("files_api"))
    }

    @Test("shutting down cancels a test upload under way: the engine stops in seconds, not after its 20 s")
    func shutdownCancelsTestUploads() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let runtime = EngineRuntime(
            configuration: EngineConfiguration(
                fileCache: FileCacheConfiguration(path: directory.file("ids.sqlite")),
                endpoint: EndpointConfiguration(port: 0, controlToken: "t0ken")
            ),
            // 200 kB/s per upload: the 4 MB files would take 20 s each.
            options: EngineOptions(
                mode: .serve,
                demo: nil,
                tokenPath: directory.file("token"),
                sandbox: SandboxConfiguration(latency: .milliseconds(5), bandwidth: 200_000)
            ),
            logger: logger
        )
        let group = ServiceGroup(services: runtime.services, logger: logger)
        let task = Task { try await group.run() }
        let uploads = try #require(runtime.uploads)
        _ = try await uploads.startTestUpload(files: 3, sizeBytes: 4_000_000)
        let sandbox = try #require(uploads.sandbox)
        let deadline = ContinuousClock.now + .seconds(10)
        while sandbox.stats.uploadsInFlight == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(sandbox.stats.uploadsInFlight > 0, "the test upload never reached the sandbox")
        let stopping = ContinuousClock.now
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        let took = ContinuousClock.now - stopping
        // Well under a second alone; the bound leaves room for a machine busy with the rest of the suite and
        // still tells a cancelled upload from one that ran its 20 s.
        #expect(took < timeBound(.seconds(14)), "graceful shutdown took \(took) with uploads in flight")
        #expect(sandbox.stats.uploadsStored == 0)
    }

    /// Runs the engine's services, hands `body` its endpoint, and awaits the shutdown before returning.
    private static func running(
        _ runtime: EngineRuntime,
        logger: Logger,
        _ body: (RunningEndpoint) async throws -> Void
    ) async throws {
        let group = ServiceGroup(services: runtime.services, logger: logger)
        let task = Task { try await group.run() }
        let server = RunningEndpoint(
            collector: runtime.collector,
            port: try await #require(runtime.server).port(),
            group: group,
            task: task
        )
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
