import Engine
import Logging
import MetricsWire

/// How the spans handed to an exporter fared: sent to the collector, dropped (a queue was full), or lost
/// in an export that failed. Read by `/metrics`.
public struct SpanCounts: Sendable, Equatable {
    /// Spans the collector accepted.
    public var exported = 0
    /// Spans dropped because a queue was full.
    public var dropped = 0
    /// Spans lost in exports that failed.
    public var failed = 0
}

/// The counts and the last warning's time, shared by the exporter and its log handler's copies.
final class ExportTally: Sendable {
    let counts = Guarded(SpanCounts())
    let lastWarning = Guarded<ContinuousClock.Instant?>(nil)
}

/// Counts what swift-otel's batch processor says of its exports (its diagnostic log is the only place it
/// says it) and passes its warnings on to the proxy's log, at most one a minute: a collector that is down
/// must not flood the user's terminal.
struct ExportLogCounter: LogHandler {
    let tally: ExportTally
    let forward: Logger
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let text = "\(event.message)"
        func number(_ key: String) -> Int { Int("\(event.metadata?[key] ?? metadata[key] ?? "0")") ?? 0 }
        let size = number("batch_size")
        switch text {
        case "Exported batch.":
            tally.counts.withLock { $0.exported += size }
        case "Failed to export batch.":
            tally.counts.withLock { $0.failed += size }
            let reason = event.error.map { "\($0)" } ?? (event.metadata?["error"] ?? metadata["error"]).map { "\($0)" }
            warn("\(size) spans could not be exported (\(reason ?? "no reason given"))")
        case "Spans were dropped this iteration because queue was full":
            let dropped = number("dropped_count")
            tally.counts.withLock { $0.dropped += dropped }
            warn("\(dropped) spans were dropped: the export queue was full")
        default:
            if event.level >= .warning, !text.contains("extract") { warn(text) }
        }
    }

    private func warn(_ text: String) {
        let now = ContinuousClock.now
        let due = tally.lastWarning.withLock { last in
            guard last.map({ now - $0 >= .seconds(60) }) ?? true else { return false }
            last = now
            return true
        }
        if due { forward.warning("OTLP export: \(DisplayText.singleLine(text, maxLength: 200))") }
    }
}
