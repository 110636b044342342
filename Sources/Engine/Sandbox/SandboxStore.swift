import Foundation
import MetricsWire

/// A file the sandbox holds.
public struct SandboxFile: Sendable, Equatable {
    /// Its id, `file-…`.
    public var id: String
    /// The name given at upload.
    public var filename: String
    /// The purpose given at upload.
    public var purpose: String
    /// Its size.
    public var bytes: Int
    /// SHA-256 of the bytes received.
    public var sha256: String
    /// Where it is on disk.
    public var path: String
    /// When it arrived, seconds since 1970.
    public var createdAt: Int
}

/// Counters of what the sandbox was asked, for tests and the UI.
public struct SandboxStats: Sendable, Equatable {
    /// Uploads begun (including failed ones).
    public var uploadsStarted = 0
    /// Uploads stored.
    public var uploadsStored = 0
    /// Uploads being received now.
    public var uploadsInFlight = 0
    /// The most uploads ever received at once.
    public var maxConcurrentUploads = 0
    /// Content requests answered or failed.
    public var contentRequests = 0
}

/// The sandbox's files, counters and pending faults.
final class SandboxStore: Sendable {
    private struct State {
        var files: [String: SandboxFile] = [:]
        var stats = SandboxStats()
        var faults: [SandboxRoute: [SandboxFault]] = [:]
        var rateWindowStart = ContinuousClock.now
        var rateWindowCount = 0
        var closing = false
    }

    private let state = Guarded(State())
    let directory: String

    init(directory: String) {
        self.directory = directory
    }

    func inject(_ faults: [SandboxFault], for route: SandboxRoute) {
        state.withLock { $0.faults[route, default: []].append(contentsOf: faults) }
    }

    func nextFault(for route: SandboxRoute) -> SandboxFault? {
        state.withLock { state in
            guard var queue = state.faults[route], !queue.isEmpty else { return nil }
            let fault = queue.removeFirst()
            state.faults[route] = queue
            return fault
        }
    }

    /// Counts an upload against the per-second limit; `false` when over it.
    func admitUpload(limit: Double?) -> Bool {
        guard let limit else { return true }
        return state.withLock { state in
            let now = ContinuousClock.now
            if now - state.rateWindowStart >= .seconds(1) {
                state.rateWindowStart = now
                state.rateWindowCount = 0
            }
            state.rateWindowCount += 1
            return Double(state.rateWindowCount) <= limit
        }
    }

    /// Whether the sandbox is shutting down: requests under way stop at their next chunk.
    var isClosing: Bool { state.withLock { $0.closing } }

    func close() {
        state.withLock { $0.closing = true }
    }

    func uploadBegan() {
        state.withLock { state in
            state.stats.uploadsStarted += 1
            state.stats.uploadsInFlight += 1
            state.stats.maxConcurrentUploads = max(state.stats.maxConcurrentUploads, state.stats.uploadsInFlight)
        }
    }

    func uploadEnded(stored file: SandboxFile?) {
        state.withLock { state in
            state.stats.uploadsInFlight -= 1
            if let file {
                state.stats.uploadsStored += 1
                state.files[file.id] = file
            }
        }
    }

    func contentRequested() {
        state.withLock { $0.stats.contentRequests += 1 }
    }

    func file(_ id: String) -> SandboxFile? {
        state.withLock { $0.files[id] }
    }

    func remove(_ id: String) -> SandboxFile? {
        state.withLock { $0.files.removeValue(forKey: id) }
    }

    var files: [SandboxFile] {
        state.withLock { $0.files.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) } }
    }

    var stats: SandboxStats {
        state.withLock { $0.stats }
    }
}
