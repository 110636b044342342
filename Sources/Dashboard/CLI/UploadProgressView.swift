import DashboardUI
import Engine
import Foundation
import MetricsClient
import MetricsWire

/// Live progress of an upload batch on standard error: redrawn lines on a terminal, one line per state
/// change otherwise (so logs and pipes get plain lines).
final class UploadProgressView: @unchecked Sendable {
    // @unchecked: only `run()` and then `finish()` touch the mutable state, one after the other.
    private let tracker: UploadTracker
    private let interactive: Bool
    private var drawnLines = 0
    private var lastStates: [String: UploadState] = [:]
    private var lastSample: (time: ContinuousClock.Instant, sent: [String: Int]) = (.now, [:])
    private var rates: [String: Double] = [:]

    init(tracker: UploadTracker, interactive: Bool) {
        self.tracker = tracker
        self.interactive = interactive
    }

    func run() async {
        while !Task.isCancelled {
            draw()
            try? await Task.sleep(for: .milliseconds(interactive ? 100 : 200))
        }
    }

    func finish() {
        draw()
    }

    private func draw() {
        let records = tracker.metrics(maxParallel: 0).recent
        if interactive {
            var output = drawnLines > 0 ? "\u{1B}[\(drawnLines)F" : ""
            updateRates(records)
            for record in records { output += "\u{1B}[2K" + line(record) + "\n" }
            drawnLines = records.count
            write(output)
        } else {
            for record in records where lastStates[record.id] != record.state {
                lastStates[record.id] = record.state
                write(line(record) + "\n")
            }
        }
    }

    private func updateRates(_ records: [UploadRecord]) {
        let now = ContinuousClock.now
        let elapsed = (now - lastSample.time) / .seconds(1)
        guard elapsed >= 0.5 else { return }
        var sent: [String: Int] = [:]
        for record in records {
            sent[record.id] = record.bytesSent
            let before = lastSample.sent[record.id] ?? 0
            rates[record.id] = record.bytesSent >= before ? Double(record.bytesSent - before) / elapsed : 0
        }
        lastSample = (now, sent)
    }

    private func line(_ record: UploadRecord) -> String {
        let name = record.file.count > 28 ? String(record.file.prefix(27)) + "…" : record.file
        let padded = name.padding(toLength: 28, withPad: " ", startingAt: 0)
        let fraction = record.bytesTotal > 0 ? Double(record.bytesSent) / Double(record.bytesTotal) : 0
        let filled = Int((min(1, fraction) * 20).rounded())
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 20 - filled)
        let sizes = "\(Format.bytes(record.bytesSent))/\(Format.bytes(record.bytesTotal))"
        let rate = record.state == .uploading ? " " + Format.bytesPerSecond(rates[record.id] ?? 0) : ""
        let note = record.error.map { "  \($0)" } ?? record.fileID.map { "  \($0)" } ?? ""
        return "\(padded) \(bar) \(sizes)\(rate) \(record.state.rawValue)\(note)"
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
