import DashboardUI
import Foundation
import Logging
import MetricsClient
import MetricsWire

/// A swift-log handler that appends one line per message to a file, so nothing is printed over the screen.
struct FileLogHandler: LogHandler {
    /// The shared, locked file all handlers write to.
    final class File: Sendable {
        private let handle: Guarded<FileHandle>

        init(handle: FileHandle) {
            self.handle = Guarded(handle)
        }

        func write(_ line: String) {
            handle.withLock { $0.write(Data(line.utf8)) }
        }
    }

    let label: String
    let file: File
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, file: File) {
        self.label = label
        self.file = file
    }

    /// Opens `path` for appending, creating it (mode 0600) if needed.
    static func open(path: String) throws -> File {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            else {
                throw CommandFailure("cannot create log file \(path); check the directory exists and is writable")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CommandFailure("cannot open log file \(path) for writing")
        }
        handle.seekToEndOfFile()
        return File(handle: handle)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = Format.timestamp(Date().timeIntervalSince1970)
        file.write("\(time) \(event.level) \(label): \(event.message)\(fields.isEmpty ? "" : " " + fields)\n")
    }
}
