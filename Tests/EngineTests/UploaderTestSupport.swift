import Engine
import Foundation
import Logging
import ServiceLifecycle

/// A sandbox Files API on loopback, an uploader pointed at it, and a temp dir of files, for one test.
struct UploadFixture {
    let sandbox: FilesSandbox
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let directory: TemporaryDirectory
    let collector: MetricsCollector
    let fileCache: FileIDCache
    let client: FilesAPIClient

    static func start(
        sandbox configuration: SandboxConfiguration = SandboxConfiguration(latency: .milliseconds(5))
    ) async throws -> UploadFixture {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let sandbox = try FilesSandbox(configuration: configuration, logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(services: [sandbox], logger: logger)
        // A request the sandbox was told to hang on never finishes by itself: cancel it rather than wait forever.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(1)
        let group = ServiceGroup(configuration: groupConfiguration)
        let task = Task { try await group.run() }
        let directory = try TemporaryDirectory()
        let collector = MetricsCollector()
        let fileCache = try FileIDCache(
            configuration: FileCacheConfiguration(path: directory.file("ids.sqlite")),
            collector: collector
        )
        let client = try FilesAPIClient(
            baseURL: try await sandbox.baseURL(),
            apiKey: "sk-test-secret",
            providerName: sandbox.providerName
        )
        return UploadFixture(
            sandbox: sandbox,
            group: group,
            task: task,
            directory: directory,
            collector: collector,
            fileCache: fileCache,
            client: client
        )
    }

    /// Starts a fixture, runs `body` with it, and awaits its shutdown before returning or rethrowing.
    @discardableResult
    static func with<Result>(
        sandbox configuration: SandboxConfiguration = SandboxConfiguration(latency: .milliseconds(5)),
        _ body: (UploadFixture) async throws -> Result
    ) async throws -> Result {
        let fixture = try await start(sandbox: configuration)
        do {
            let result = try await body(fixture)
            await fixture.stop()
            return result
        } catch {
            await fixture.stop()
            throw error
        }
    }

    func uploader(_ configuration: FilesConfiguration = UploadFixture.fast) -> ParallelUploader {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return ParallelUploader(
            configuration: configuration,
            client: client,
            fileCache: fileCache,
            collector: collector,
            logger: logger
        )
    }

    /// Quick retries and timeouts, so fault tests take well under a second each.
    static var fast: FilesConfiguration {
        FilesConfiguration(
            uploadTimeout: .seconds(10),
            fetchTimeout: .seconds(10),
            fetchRetries: 3,
            fetchInitialDelay: .milliseconds(10),
            uploadRetry: RetryPolicy(maxRetries: 3, initialDelay: .milliseconds(10), maxDelay: .seconds(2))
        )
    }

    /// Writes a file of `size` bytes of text whose content depends on `seed`.
    func makeFile(_ name: String, size: Int, seed: Int = 0) throws -> String {
        let path = directory.file(name)
        let line = "line \(seed) of \(name): the quick brown fox jumps over the lazy dog\n"
        let text = String(repeating: line, count: size / line.utf8.count + 1)
        try Data(text.utf8.prefix(size)).write(to: URL(fileURLWithPath: path))
        return path
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        directory.cleanup()
    }
}
