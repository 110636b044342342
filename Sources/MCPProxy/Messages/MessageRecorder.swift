import Foundation
import MetricsWire

/// `dashboard proxy --record FILE`: every message the client sent and received, appended to a JSON Lines file
/// (mode 0600) as it is relayed — `{"t": <seconds since 1970>, "dir": "c2s"|"s2c", "line": "<the line>"}`,
/// one write per record. `line` is the line exactly as relayed, its newline included, so the `line`s of one
/// direction put together are the bytes that crossed the proxy; a line that is not UTF-8 is kept as
/// `line_base64` instead. Over HTTP each record is one JSON-RPC body or SSE event (its data), as relayed; one
/// longer than the proxy holds whole (8 MiB) is `"omitted": true`, without its bytes.
public final class MessageRecorder: Sendable {
    /// The file recorded to.
    public let path: String
    private let file: Guarded<Int32>

    /// Why a recording could not be opened, naming the file.
    public struct OpenError: Error, CustomStringConvertible {
        /// What went wrong, naming the file.
        public let description: String
    }

    /// Opens `path` to append to (created with mode 0600; an existing file is set to 0600).
    public init(path: String) throws(OpenError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw OpenError(description: "cannot record to \(path): \(String(cString: strerror(errno)))")
        }
        guard fchmod(fd, 0o600) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw OpenError(description: "cannot make \(path) private (mode 0600): \(reason)")
        }
        self.path = path
        file = Guarded(fd)
    }

    deinit {
        _ = file.withLock { close($0) }
    }

    /// Appends one line (its newline included, when it had one) that went `direction` at `time`.
    func record<Line: Collection<UInt8>>(_ line: Line, direction: MessageDirection, at time: Date = Date()) {
        var record = Self.start(direction, at: time)
        if let text = String(validating: line, as: UTF8.self) {
            record += Array(#""line":"#.utf8) + Array(JSONText.quoted(text).utf8)
        } else {
            record += Array(#""line_base64":""#.utf8) + Array(Data(line).base64EncodedString().utf8) + [0x22]
        }
        record += Array("}\n".utf8)
        file.withLock { fd in _ = FileDescriptorIO.writeAll(fd, record) }
    }

    /// Appends a record saying a message went `direction` at `time` that was too long to keep
    /// (`"omitted": true`, no `line`): over HTTP, a body or an SSE event longer than the proxy holds.
    func recordOmitted(direction: MessageDirection, at time: Date = Date()) {
        let record = Self.start(direction, at: time) + Array(#""omitted":true}"#.utf8) + [0x0A]
        file.withLock { fd in _ = FileDescriptorIO.writeAll(fd, record) }
    }

    /// A record's opening: `{"t":…,"dir":"…",`.
    private static func start(_ direction: MessageDirection, at time: Date) -> [UInt8] {
        Array(#"{"t":"#.utf8) + Array(String(format: "%.6f", time.timeIntervalSince1970).utf8)
            + Array(#","dir":""#.utf8) + Array(direction.rawValue.utf8) + Array(#"","#.utf8)
    }

    /// Cuts one direction's bytes into lines for the recorder, holding a line until its newline.
    struct Splitter {
        let recorder: MessageRecorder
        let direction: MessageDirection
        private var lines = LineSplitter()

        init(_ recorder: MessageRecorder, _ direction: MessageDirection) {
            self.recorder = recorder
            self.direction = direction
        }

        /// Records each line `chunk` ends; keeps the rest for the next chunk.
        mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) {
            lines.feed(chunk) { recorder.record($0, direction: direction) }
        }

        /// Records a last line without a newline.
        mutating func finish() {
            lines.finish { recorder.record($0, direction: direction) }
        }
    }
}
