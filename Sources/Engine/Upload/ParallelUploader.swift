import Foundation
import Logging
import MetricsWire

/// Uploads batches of files to a Files API, a bounded number at a time, with live progress.
///
/// Each file: validate → hash once (streaming SHA-256) → file-ID cache lookup → upload (retrying 429, 5xx,
/// dropped connections and timeouts with backoff, honouring `Retry-After`) → remember the id once the
/// provider confirmed it → fetch its content (retrying likewise; a cached id the provider no longer knows
/// is forgotten and the file uploaded again, once). Results come back in input order; one file's failure
/// never fails the others; cancelling the batch cancels its uploads. Every file is recorded as a
/// `file_upload` tool call and its live state is in the tracker (the snapshot's `upload_metrics`).
public final class ParallelUploader: Sendable {
    /// The settings this uploader runs with.
    public let configuration: FilesConfiguration
    /// The Files API it uploads to.
    public let client: FilesAPIClient
    /// Live state of every file.
    public let tracker: UploadTracker
    let fileCache: FileIDCache?
    let metrics: ToolRecorder
    let logger: Logger

    /// The tool name uploads are recorded under.
    public static let toolName = "file_upload"

    /// Creates an uploader; it reports live state to `collector`'s `upload_metrics`.
    public init(
        configuration: FilesConfiguration,
        client: FilesAPIClient,
        fileCache: FileIDCache?,
        collector: MetricsCollector,
        tracker: UploadTracker = UploadTracker(),
        logger: Logger = Logger(label: "uploader")
    ) {
        self.configuration = configuration
        self.client = client
        self.fileCache = fileCache
        self.tracker = tracker
        self.metrics = collector.tool(Self.toolName)
        self.logger = logger
        let maxParallel = configuration.effectiveParallelism
        collector.setUploadMetricsSource { [tracker] in tracker.metrics(maxParallel: maxParallel) }
    }

    /// Uploads `paths` (at most ``FilesConfiguration/effectiveParallelism`` at once); one result per path,
    /// in the same order. With `fetchContent`, each file's extracted content is fetched too.
    public func upload(
        _ paths: [String],
        purpose: String = "file-extract",
        fetchContent: Bool = true
    ) async -> [UploadResult] {
        let began = ContinuousClock.now
        let plan = plan(paths)
        var results = [UploadResult?](repeating: nil, count: paths.count)
        var fileSpans: [OperationSpan] = []
        for (index, result) in plan.settled { results[index] = result }

        await withTaskGroup(of: (Int, (UploadResult, OperationSpan?)).self) { group in
            var pending = plan.work[...]
            func startNext() {
                guard let item = pending.popFirst() else { return }
                group.addTask { (item.index, await self.process(item, purpose: purpose, fetchContent: fetchContent)) }
            }
            for _ in 0..<configuration.effectiveParallelism { startNext() }
            while let (index, (result, span)) = await group.next() {
                results[index] = result
                if let span, fileSpans.count < Self.maxFileSpans { fileSpans.append(span) }
                startNext()
            }
        }
        // Later copies of a file share the first copy's outcome: it was uploaded once.
        for (index, first) in plan.duplicates {
            guard let original = results[first] else { continue }
            var copy = original
            copy.index = index
            copy.path = paths[index]
            copy.seconds = 0
            copy.reason = "same file as item \(first + 1): uploaded once"
            if let id = plan.trackerIDs[index] {
                tracker.update(id, state: copy.state, fileID: copy.fileID, error: copy.reason)
            }
            results[index] = copy
        }
        let finished = results.enumerated().map { index, result in
            result
                ?? UploadResult(index: index, path: paths[index], state: .failed, reason: "\(paths[index]): cancelled")
        }
        metrics.spans?.operationEnded(batchSpan(finished, start: began, files: fileSpans))
        return finished
    }
}
