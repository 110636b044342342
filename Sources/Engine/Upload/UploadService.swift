import Foundation
import Logging
import MetricsWire
import ServiceLifecycle

/// The engine's upload path: the Files API target (the configured provider, or the built-in sandbox when no
/// `KIMI_API_KEY` is set) and an uploader pointed at it, ready once the sandbox listens.
public final class UploadService: Service, Sendable {
    /// The sandbox, when it is the target.
    public let sandbox: FilesSandbox?
    /// `sandbox`, or the provider's host.
    public let targetName: String
    private let configuration: FilesConfiguration
    private let fileCache: FileIDCache?
    private let collector: MetricsCollector
    private let tracker: UploadTracker
    private let logger: Logger
    private let ready = Guarded<ParallelUploader?>(nil)
    /// Test uploads under way, by batch: cancelled when the engine shuts down, so none outlives it.
    private let testUploads = Guarded<[String: Task<Void, Never>]>([:])

    /// Sets up the target; throws if the sandbox cannot be created or the provider URL is invalid.
    public init(
        configuration: FilesConfiguration,
        fileCache: FileIDCache?,
        collector: MetricsCollector,
        tracker: UploadTracker = UploadTracker(),
        sandbox sandboxConfiguration: SandboxConfiguration = .init(),
        target: FilesTarget = .automatic,
        logger: Logger
    ) throws {
        self.configuration = configuration
        self.fileCache = fileCache
        self.collector = collector
        self.tracker = tracker
        self.logger = logger
        // The snapshot shows the (idle) uploader from the start, not only after the first upload.
        let maxParallel = configuration.effectiveParallelism
        collector.setUploadMetricsSource { [tracker] in tracker.metrics(maxParallel: maxParallel) }
        let providerURL: String?
        switch target {
        case .automatic: providerURL = configuration.apiKey == nil ? nil : configuration.baseURL
        case .provider(let url): providerURL = url
        }
        if let providerURL {
            sandbox = nil
            let client = try FilesAPIClient(baseURL: providerURL, apiKey: configuration.apiKey)
            targetName = client.providerName
            ready.withLock { $0 = makeUploader(client) }
        } else {
            sandbox = try FilesSandbox(configuration: sandboxConfiguration, logger: logger)
            targetName = "sandbox"
        }
    }

    /// Runs the sandbox (if it is the target) until graceful shutdown, which first cancels the test
    /// uploads under way (their files are generated ones; nobody waits for them).
    public func run() async throws {
        try await withGracefulShutdownHandler {
            guard let sandbox else {
                try await gracefulShutdown()
                return
            }
            try await sandbox.run()
        } onGracefulShutdown: { [self] in
            for task in testUploads.withLock({ Array($0.values) }) { task.cancel() }
        }
    }

    /// The uploader, once the target is reachable.
    public func uploader() async throws -> ParallelUploader {
        if let uploader = ready.withLock({ $0 }) { return uploader }
        guard let sandbox else { throw FilesAPIError(.invalidRequest, "no Files API target is configured") }
        let client = try FilesAPIClient(
            baseURL: try await sandbox.baseURL(),
            apiKey: nil,
            providerName: sandbox.providerName
        )
        return ready.withLock { ready in
            if let existing = ready { return existing }
            let uploader = makeUploader(client)
            ready = uploader
            return uploader
        }
    }

    /// Generates `files` text files of `sizeBytes` each and uploads them in the background.
    public func startTestUpload(files: Int, sizeBytes: Int) async throws -> TestUploadReceipt {
        let uploader = try await uploader()
        let batch = String(UUID().uuidString.prefix(8)).lowercased()
        let directory = NSTemporaryDirectory() + "dashboard-test-upload-" + batch
        let paths = try TestFiles.generate(count: files, size: sizeBytes, batch: batch, directory: directory)
        logger.info(
            "test upload started",
            metadata: ["batch": "\(batch)", "files": "\(files)", "bytes": "\(sizeBytes)"]
        )
        testUploads.withLock { running in
            running[batch] = Task.detached { [logger, self] in
                let results = await uploader.upload(paths)
                try? FileManager.default.removeItem(atPath: directory)
                let ok = results.filter { $0.state.isSuccess }.count
                logger.info(
                    "test upload finished",
                    metadata: ["batch": "\(batch)", "ok": "\(ok)", "files": "\(results.count)"]
                )
                _ = testUploads.withLock { $0.removeValue(forKey: batch) }
            }
        }
        return TestUploadReceipt(batch: batch, files: files, sizeBytes: sizeBytes)
    }

    /// A `/health` check: the Files API target answers a file listing.
    public var healthCheck: HealthCheck {
        HealthCheck(name: "files_api") { [self] in
            do {
                let uploader = try await uploader()
                let files = try await uploader.client.list(timeout: .seconds(3))
                return .init(ok: true, detail: "\(targetName) reachable (\(files.count) files)")
            } catch {
                return .init(ok: false, detail: "\(targetName) not reachable: \(error)")
            }
        }
    }

    private func makeUploader(_ client: FilesAPIClient) -> ParallelUploader {
        ParallelUploader(
            configuration: configuration,
            client: client,
            fileCache: fileCache,
            collector: collector,
            tracker: tracker,
            logger: logger
        )
    }
}

/// Generated text files for test uploads: never files a caller names.
enum TestFiles {
    static func generate(count: Int, size: Int, batch: String, directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try (0..<count).map { index in
            let path = directory + "/test-\(batch)-\(index + 1).txt"
            let line = "test upload \(batch), file \(index + 1): the quick brown fox jumps over the lazy dog\n"
            // One 64 KiB block of whole lines, written as often as needed: fast even for large files.
            let block = Data(String(repeating: line, count: max(1, 65_536 / line.utf8.count)).utf8)
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let handle = FileHandle(forWritingAtPath: path)
            else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            defer { try? handle.close() }
            var written = 0
            while written < size {
                let chunk = block.prefix(size - written)
                try handle.write(contentsOf: chunk)
                written += chunk.count
            }
            return path
        }
    }
}
