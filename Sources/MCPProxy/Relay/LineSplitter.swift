/// Cuts a byte stream into whole lines, each with its newline, holding a line until its newline arrives
/// (however long it is: for the recorder and replay, which need every byte; the observer's ``LineFramer``
/// bounds what it holds instead).
struct LineSplitter {
    private var pending: [UInt8] = []

    /// Hands each line `chunk` ends (newline included) to `line`; keeps the rest for the next chunk.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ line: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0
        while let newline = chunk[start...].firstIndex(of: 0x0A) {
            let whole = UnsafeBufferPointer(rebasing: chunk[start...newline])
            if pending.isEmpty {
                line(whole)
            } else {
                pending += whole
                pending.withUnsafeBufferPointer(line)
                pending.removeAll(keepingCapacity: pending.count < 1 << 20)
            }
            start = newline + 1
        }
        pending += UnsafeBufferPointer(rebasing: chunk[start...])
    }

    /// Hands over a last line without a newline, if there is one.
    mutating func finish(_ line: (UnsafeBufferPointer<UInt8>) -> Void) {
        if !pending.isEmpty { pending.withUnsafeBufferPointer(line) }
        pending = []
    }
}
