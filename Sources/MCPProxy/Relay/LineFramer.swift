import Engine

/// Splits a byte stream into newline-terminated lines for observation, in bounded memory.
///
/// A line up to ``limit`` bytes is handed over whole (straight from the chunk when it lies in one, else
/// from a buffer); a longer line is never held: only its first ``headBytes`` and last ``tailBytes`` are
/// kept, and its bytes are handed to `overflow` as they arrive (for a relay that holds lines back).
struct LineFramer {
    /// Lines longer than this are not parsed whole.
    let limit: Int
    static let headBytes = 64 * 1024
    static let tailBytes = 4 * 1024

    private var pending: [UInt8] = []
    private var oversized = false
    private var head: [UInt8] = []
    private var tail: [UInt8] = []

    init(limit: Int) {
        self.limit = limit
    }

    /// Whether a line is in progress (bytes since the last newline).
    var midLine: Bool { !pending.isEmpty || oversized }

    /// Feeds one chunk. `line` gets each complete line up to the limit (without its newline); `oversized`
    /// gets the head and tail of each longer one; `overflow` gets, in order, the bytes of longer lines
    /// (newline included) that were not handed to `line`.
    mutating func feed(
        _ chunk: UnsafeBufferPointer<UInt8>,
        line: (UnsafeBufferPointer<UInt8>) -> Void,
        oversized onOversized: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void,
        overflow: (UnsafeBufferPointer<UInt8>) -> Void = { _ in }
    ) {
        var start = 0
        while start < chunk.count {
            let rest = UnsafeBufferPointer(rebasing: chunk[start...])
            guard let newline = rest.firstNewline else {
                partial(rest, overflow: overflow)
                return
            }
            let segment = UnsafeBufferPointer(rebasing: rest[..<newline])
            let withNewline = UnsafeBufferPointer(rebasing: rest[...newline])
            if oversized {
                keepTail(segment)
                overflow(withNewline)
                endOversized(onOversized)
            } else if pending.isEmpty {
                if segment.count <= limit {
                    line(segment)
                } else {
                    head = Array(segment.prefix(Self.headBytes))
                    keepTail(segment)
                    overflow(withNewline)
                    endOversized(onOversized)
                }
            } else if pending.count + segment.count <= limit {
                pending.append(contentsOf: segment)
                pending.withUnsafeBufferPointer { line($0) }
                clearPending()
            } else {
                startOversized(overflow: overflow)
                keepHead(segment)
                keepTail(segment)
                overflow(withNewline)
                endOversized(onOversized)
            }
            start += newline + 1
        }
    }

    private mutating func partial(_ bytes: UnsafeBufferPointer<UInt8>, overflow: (UnsafeBufferPointer<UInt8>) -> Void) {
        if oversized {
            keepTail(bytes)
            overflow(bytes)
        } else if pending.count + bytes.count <= limit {
            pending.append(contentsOf: bytes)
        } else {
            startOversized(overflow: overflow)
            keepHead(bytes)
            keepTail(bytes)
            overflow(bytes)
        }
    }

    /// Turns the pending bytes into the head of an oversized line and hands them to `overflow`.
    private mutating func startOversized(overflow: (UnsafeBufferPointer<UInt8>) -> Void) {
        oversized = true
        head = Array(pending.prefix(Self.headBytes))
        tail = Array(pending.suffix(Self.tailBytes))
        pending.withUnsafeBufferPointer { overflow($0) }
        clearPending()
    }

    private mutating func endOversized(_ onOversized: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void)
    {
        head.withUnsafeBufferPointer { head in
            tail.withUnsafeBufferPointer { tail in onOversized(head, tail) }
        }
        oversized = false
        head = []
        tail = []
    }

    /// Hands back the bytes of an unfinished line (not observed), for a relay that held them.
    mutating func drain() -> [UInt8] {
        defer { clearPending() }
        return pending
    }

    private mutating func keepHead(_ bytes: UnsafeBufferPointer<UInt8>) {
        if head.count < Self.headBytes { head.append(contentsOf: bytes.prefix(Self.headBytes - head.count)) }
    }

    private mutating func keepTail(_ bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count >= Self.tailBytes {
            tail = Array(bytes.suffix(Self.tailBytes))
        } else {
            tail.append(contentsOf: bytes)
            if tail.count > Self.tailBytes { tail.removeFirst(tail.count - Self.tailBytes) }
        }
    }

    private mutating func clearPending() {
        // Give a large buffer's memory back; keep a small one for the next line.
        if pending.capacity > 1 << 20 { pending = [] } else { pending.removeAll(keepingCapacity: true) }
    }
}
