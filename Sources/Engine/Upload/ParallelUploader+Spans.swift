import Foundation
import MetricsWire

extension ParallelUploader {
    /// At most this many files of one batch become spans of their own; the batch's span counts them all.
    static let maxFileSpans = 1000

    /// One file's span: a request to the Files API (CLIENT), with its size and outcome — never its path, which
    /// is the caller's.
    func fileSpan(
        _ result: UploadResult,
        start: ContinuousClock.Instant,
        end: ContinuousClock.Instant,
        errorType: String?
    ) -> OperationSpan {
        var attributes: [String: OperationSpan.Value] = [
            "dashboard.upload.state": .string(result.state.rawValue),
            "dashboard.files.provider": .string(client.providerName),
        ]
        if let bytes = result.bytes { attributes["file.size"] = .int(bytes) }
        if let url = URL(string: client.baseURL), let host = url.host {
            attributes["server.address"] = .string(host)
            if let port = url.port { attributes["server.port"] = .int(port) }
        }
        return OperationSpan(
            name: "file_upload",
            kind: .client,
            start: start,
            end: end,
            attributes: attributes,
            errorType: result.state.isSuccess ? nil : (errorType ?? "unknown"),
        )
    }

    /// The batch's span: how many files and bytes, how many of each outcome; its files' spans are its
    /// children.
    func batchSpan(
        _ results: [UploadResult],
        start: ContinuousClock.Instant,
        files: [OperationSpan]
    )
        -> OperationSpan
    {
        var attributes: [String: OperationSpan.Value] = [
            "dashboard.upload.files": .int(results.count),
            "dashboard.upload.bytes": .int(results.reduce(0) { $0 + ($1.bytes ?? 0) }),
            "dashboard.files.provider": .string(client.providerName),
        ]
        for state in [UploadState.done, .cached, .skipped, .failed] {
            attributes["dashboard.upload.\(state.rawValue)"] = .int(results.count { $0.state == state })
        }
        let failed = results.contains { $0.state == .failed }
        return OperationSpan(
            name: "upload",
            kind: .internal,
            start: start,
            end: .now,
            attributes: attributes,
            errorType: failed ? "file_failed" : nil,
            children: files
        )
    }
}
