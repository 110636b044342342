import Engine
import MetricsWire

/// Reading the end of a line too long to parse whole.
enum OversizedLine {
    /// The id when the line's top-level object ends with an `"id"` member holding a number or a string, as
    /// responses written with the id last (`{"result":…,"jsonrpc":"2.0","id":7}`) do. A nested `"id"` ends
    /// in two closing braces and is not taken.
    static func trailingID(_ tail: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        var end = tail.count
        func skipSpace() {
            while end > 0, [0x20, 0x09, 0x0D, 0x0A].contains(tail[end - 1]) { end -= 1 }
        }
        skipSpace()
        guard end > 0, tail[end - 1] == UInt8(ascii: "}") else { return nil }
        end -= 1
        skipSpace()
        guard end > 0 else { return nil }
        let valueEnd = end
        if tail[end - 1] == UInt8(ascii: "\"") {
            end -= 1
            while end > 0 {
                end -= 1
                if tail[end] == UInt8(ascii: "\""), !isEscaped(tail, end) { break }
                if end == 0 { return nil }
            }
        } else {
            while end > 0, isNumberByte(tail[end - 1]) { end -= 1 }
        }
        let valueStart = end
        guard valueStart < valueEnd else { return nil }
        skipSpace()
        guard end > 0, tail[end - 1] == UInt8(ascii: ":") else { return nil }
        end -= 1
        skipSpace()
        let key = Array(#""id""#.utf8)
        guard end >= key.count, Array(tail[(end - key.count)..<end]) == key, !isEscaped(tail, end - key.count)
        else { return nil }
        end -= key.count
        skipSpace()
        guard end > 0, tail[end - 1] == UInt8(ascii: ",") || tail[end - 1] == UInt8(ascii: "{") else { return nil }
        let value = try? JSONParser.parse(UnsafeBufferPointer(rebasing: tail[valueStart..<valueEnd]))
        switch value {
        case .number?, .string?: return value
        default: return nil
        }
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
            || byte == UInt8(ascii: "E")
    }

    /// Whether the quote at `index` follows an odd number of backslashes.
    private static func isEscaped(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        var count = 0
        var position = index
        while position > 0, bytes[position - 1] == UInt8(ascii: "\\") {
            count += 1
            position -= 1
        }
        return count % 2 == 1
    }
}
