import Foundation
import Testing

/// Text compared against a recorded file under `Golden/`; `RECORD_SNAPSHOTS=1` re-records it.
enum GoldenFile {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var isRecording: Bool {
        ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    }

    /// Records an issue unless `actual` equals the file `name`; when recording, writes it and fails with
    /// "recorded new baseline".
    static func check(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name)
        if isRecording {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try actual.write(to: url, atomically: true, encoding: .utf8)
                Issue.record("recorded new baseline \(name)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("cannot record \(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record(
                "no baseline \(name); run with RECORD_SNAPSHOTS=1 to record it",
                sourceLocation: sourceLocation
            )
            return
        }
        if actual != expected {
            Issue.record(
                "\(name) differs from its baseline:\n\(difference(expected, actual))",
                sourceLocation: sourceLocation
            )
        }
    }

    /// The lines that differ, numbered, as `-expected` / `+actual` pairs.
    static func difference(_ expected: String, _ actual: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var report: [String] = []
        for index in 0..<max(old.count, new.count) {
            let left = index < old.count ? String(old[index]) : "<none>"
            let right = index < new.count ? String(new[index]) : "<none>"
            if left != right { report.append("\(index + 1)-\(left)\n\(index + 1)+\(right)") }
        }
        return report.joined(separator: "\n")
    }
}
