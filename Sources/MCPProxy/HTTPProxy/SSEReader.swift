import Engine

/// Reads a `text/event-stream` as it arrives, for observing: the bytes themselves are relayed unchanged by
/// the caller, this only finds the events in a copy of them (the WHATWG "server-sent events" parsing
/// rules: lines end in CRLF, LF or CR; `data` lines are joined with LF; a blank line dispatches; comments
/// and other fields are skipped).
///
/// An event's data longer than `dataLimit` is kept as its first and last bytes only, and reported as
/// oversized so the observer can still find its id.
struct SSEReader {
    /// One event's data.
    enum Event {
        /// The whole data.
        case data([UInt8])
        /// Data too long to keep: its first and last bytes.
        case oversized(head: [UInt8], tail: [UInt8])
    }

    let dataLimit: Int
    /// How much of an oversized event's start and end is kept.
    static let keptEnds = 64 * 1024
    private var line: [UInt8] = []
    private var lineTooLong = false
    private var data: [UInt8] = []
    private var hasData = false
    private var tail: [UInt8] = []
    private var oversized = false
    private var lastWasCR = false
    private var atStart = true
    /// Events begun but never ended by a blank line when the stream ended, and similar oddities.
    private(set) var issues: [String: Int] = [:]

    init(dataLimit: Int = 8 * 1024 * 1024) {
        self.dataLimit = max(Self.keptEnds * 2, dataLimit)
    }

    /// Reads `bytes`, calling `event` for each event they complete.
    mutating func read(_ bytes: UnsafeRawBufferPointer, event: (Event) -> Void) {
        var start = 0
        var index = 0
        if atStart, !bytes.isEmpty {
            atStart = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                start = 3
                index = 3
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                if byte == 0x0A, lastWasCR {
                    // The LF of a CRLF: the line already ended at the CR.
                    lastWasCR = false
                    index += 1
                    start = index
                    continue
                }
                appendToLine(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
                endLine(event: event)
                lastWasCR = byte == 0x0D
                index += 1
                start = index
                continue
            }
            lastWasCR = false
            index += 1
        }
        appendToLine(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
    }

    /// The stream ended: an event without its blank line is not dispatched (as browsers do), only counted.
    mutating func finish() {
        if hasData || !line.isEmpty { issues["sse_unterminated_event", default: 0] += 1 }
        line = []
        data = []
        hasData = false
    }

    private mutating func appendToLine(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        // A field name is short; a data line may be long, but only its value is kept, in `data`.
        if line.count + bytes.count > dataLimit {
            lineTooLong = true
            let room = max(0, dataLimit - line.count)
            line.append(contentsOf: bytes.prefix(room))
            keepTail(bytes)
            return
        }
        line.append(contentsOf: bytes)
        if lineTooLong { keepTail(bytes) }
    }

    private mutating func keepTail(_ bytes: UnsafeRawBufferPointer) {
        tail.append(contentsOf: bytes.suffix(Self.keptEnds))
        if tail.count > Self.keptEnds { tail.removeFirst(tail.count - Self.keptEnds) }
        oversized = true
    }

    private mutating func endLine(event: (Event) -> Void) {
        defer {
            line.removeAll(keepingCapacity: line.count < 4096)
            lineTooLong = false
        }
        if line.isEmpty && !lineTooLong {
            dispatch(event: event)
            return
        }
        if line.first == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        guard line[..<colon].elementsEqual("data".utf8) else { return }
        var valueStart = colon == line.endIndex ? colon : colon + 1
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        if hasData { data.append(0x0A) }
        hasData = true
        if data.count + (line.count - valueStart) > dataLimit { oversized = true }
        let room = max(0, dataLimit - data.count)
        data.append(contentsOf: line[valueStart...].prefix(room))
    }

    private mutating func dispatch(event: (Event) -> Void) {
        defer {
            data.removeAll(keepingCapacity: data.count < 4096)
            tail = []
            hasData = false
            oversized = false
        }
        guard hasData else { return }
        if oversized {
            event(.oversized(head: Array(data.prefix(Self.keptEnds)), tail: tail))
        } else {
            event(.data(data))
        }
    }
}
