import Foundation
import MetricsWire

/// The uploader's live state: every file of every batch, for `upload_metrics` and progress displays.
public final class UploadTracker: Sendable {
    private struct State {
        var records: [String: UploadRecord] = [:]
        var order: [String] = []
        var bytesSent = 0
        var completed = 0
        var failed = 0
        var cached = 0
    }

    private let state = Guarded(State())
    /// Finished records kept for the `recent` list.
    public let recentLimit: Int

    /// Creates an empty tracker.
    public init(recentLimit: Int = 20) {
        self.recentLimit = recentLimit
    }

    func add(file: String, bytes: Int) -> String {
        let id = String(UUID().uuidString.prefix(8)).lowercased()
        state.withLock { state in
            state.records[id] = UploadRecord(
                id: id,
                file: file,
                state: .queued,
                bytesTotal: bytes,
                bytesSent: 0
            )
            state.order.append(id)
        }
        return id
    }

    func update(_ id: String, state newState: UploadState, fileID: String? = nil, error: String? = nil) {
        let now = Date().timeIntervalSince1970
        state.withLock { state in
            guard var record = state.records[id] else { return }
            let wasFinal = record.state.isFinal
            record.state = newState
            if let fileID { record.fileID = fileID }
            if let error { record.error = error }
            if newState != .queued, record.startedAt == nil { record.startedAt = now }
            if newState.isFinal, !wasFinal {
                record.finishedAt = now
                switch newState {
                case .done: state.completed += 1
                case .cached: state.cached += 1
                case .failed: state.failed += 1
                default: break
                }
            }
            state.records[id] = record
            trim(&state)
        }
    }

    func setSize(_ id: String, bytes: Int) {
        state.withLock { $0.records[id]?.bytesTotal = bytes }
    }

    func sent(_ id: String, bytes: Int) {
        state.withLock { state in
            state.records[id]?.bytesSent += bytes
            state.bytesSent += bytes
        }
    }

    /// Starts a file's progress over (a retried upload sends every byte again).
    func restartProgress(_ id: String) {
        state.withLock { $0.records[id]?.bytesSent = 0 }
    }

    /// The record of one file.
    public func record(_ id: String) -> UploadRecord? {
        state.withLock { $0.records[id] }
    }

    /// The wire form, with `maxParallel` as the configured limit.
    public func metrics(maxParallel: Int) -> UploadMetrics {
        state.withLock { state in
            let records = state.order.compactMap { state.records[$0] }
            return UploadMetrics(
                maxParallel: maxParallel,
                inFlight: records.filter(\.state.isInFlight).count,
                queued: records.filter { $0.state == .queued }.count,
                completed: state.completed,
                failed: state.failed,
                cached: state.cached,
                bytesSent: state.bytesSent,
                recent: records
            )
        }
    }

    /// Drops the oldest finished records beyond ``recentLimit``; active ones always stay.
    private func trim(_ state: inout State) {
        var finished = state.order.filter { state.records[$0]?.state.isFinal ?? false }
        guard finished.count > recentLimit else { return }
        finished.removeLast(recentLimit)
        let drop = Set(finished)
        state.order.removeAll { drop.contains($0) }
        for id in drop { state.records[id] = nil }
    }
}
