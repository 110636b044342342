import Foundation
import MetricsWire

extension ParallelUploader {
    /// A file that passed validation and will be hashed and uploaded.
    struct WorkItem: Sendable {
        var index: Int
        var file: LocalFile
        var trackerID: String
    }

    /// What to do with each path of a batch, decided before any upload starts.
    struct Plan {
        /// Files to upload.
        var work: [WorkItem] = []
        /// Paths already settled: invalid, too large, over the count cap.
        var settled: [(Int, UploadResult)] = []
        /// Later copies of a file earlier in the batch: index → index of the first copy.
        var duplicates: [(Int, Int)] = []
        var trackerIDs: [Int: String] = [:]
    }

    /// Validates every path, applies the count and size caps, and finds files named twice.
    func plan(_ paths: [String]) -> Plan {
        var plan = Plan()
        var seen: [LocalFile.Identity: Int] = [:]
        var accepted = 0
        for (index, path) in paths.enumerated() {
            let name = (path as NSString).lastPathComponent
            switch LocalFile.inspect(path) {
            case .failure(let problem):
                plan.settled.append(
                    (index, settle(index, path, name, .failed, problem.description, bytes: nil, plan: &plan))
                )
            case .success(let file):
                if let first = seen[file.identity] {
                    plan.duplicates.append((index, first))
                    plan.trackerIDs[index] = tracker.add(file: name, bytes: file.size)
                    continue
                }
                if let cap = configuration.maxCount, accepted >= cap {
                    let reason = "\(path): over KIMI_FILES_MAX_COUNT=\(cap) files per batch"
                    plan.settled.append(
                        (index, settle(index, path, name, .skipped, reason, bytes: file.size, plan: &plan))
                    )
                    continue
                }
                if file.size == 0 {
                    let reason = "\(path): empty file (0 bytes), nothing to upload"
                    plan.settled.append((index, settle(index, path, name, .skipped, reason, bytes: 0, plan: &plan)))
                    continue
                }
                if file.size > configuration.maxFileBytes {
                    let limitMiB = configuration.maxFileBytes / 1_048_576
                    let state: UploadState = configuration.oversizeBehavior == .skip ? .skipped : .failed
                    let reason =
                        "\(path): \(Format.bytes(file.size)) is over KIMI_FILES_MAX_SIZE_MB=\(limitMiB) (MiB) "
                        + "(KIMI_FILES_BEHAVIOR_ON_OVERSIZE=\(configuration.oversizeBehavior.rawValue))"
                    plan.settled.append(
                        (index, settle(index, path, name, state, reason, bytes: file.size, plan: &plan))
                    )
                    continue
                }
                seen[file.identity] = index
                accepted += 1
                let id = tracker.add(file: name, bytes: file.size)
                plan.trackerIDs[index] = id
                plan.work.append(WorkItem(index: index, file: file, trackerID: id))
            }
        }
        return plan
    }

    private func settle(
        _ index: Int,
        _ path: String,
        _ name: String,
        _ state: UploadState,
        _ reason: String,
        bytes: Int?,
        plan: inout Plan
    ) -> UploadResult {
        let id = tracker.add(file: name, bytes: bytes ?? 0)
        plan.trackerIDs[index] = id
        tracker.update(id, state: state, error: reason)
        if state == .failed { metrics.store(latencyMs: 0, success: false, errorType: "invalid_file") }
        return UploadResult(index: index, path: path, state: state, bytes: bytes, reason: reason)
    }
}
