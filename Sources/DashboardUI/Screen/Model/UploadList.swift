import MetricsClient
import MetricsWire

/// The uploads pane's lines: files in progress in the order they started, then finished files newest first.
struct UploadList: Sendable, Equatable {
    /// Files queued, hashing, uploading or processing.
    var active: [UploadRecord]
    /// Files done, cached, skipped or failed, newest first.
    var finished: [UploadRecord]

    /// The lists for `metrics` (empty when the engine has no uploader).
    init(_ metrics: UploadMetrics?) {
        let recent = metrics?.recent ?? []
        active = recent.filter { !$0.state.isFinal }
        finished = recent.filter(\.state.isFinal).reversed()
    }

    /// Whether no file is in progress, so the pane offers a test upload.
    var isIdle: Bool { active.isEmpty }

    /// Lines the pane wants: the idle hint when idle, one per active file, one per finished file.
    var lineCount: Int { (isIdle ? 1 : 0) + active.count + finished.count }
}
