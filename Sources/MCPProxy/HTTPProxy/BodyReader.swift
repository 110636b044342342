import Engine

/// How a message's body is delimited (RFC 9112 §6.3).
enum BodyFraming: Equatable {
    /// No body.
    case none
    /// `Content-Length` bytes.
    case length(Int)
    /// Chunked transfer coding, relayed as it is.
    case chunked
    /// Everything up to the end of the connection (an answer with neither length nor chunking).
    case untilClose
}

/// Finds where a body ends in the bytes of a connection, without changing them: the relay forwards the bytes
/// as they came (chunk framing included) and hands the observer only the payload inside.
///
/// Chunked framing is read strictly (hex sizes, CRLF after every line and chunk, no bare LF): the upstream
/// must see the message end exactly where the proxy does, or a request could be smuggled past it.
struct BodyReader {
    private enum State: Equatable {
        case length(remaining: Int)
        /// A chunk's size line: its digits so far.
        case size(value: Int, digits: Int)
        /// After the size's digits, before `;` or CR.
        case sizeWhitespace(value: Int)
        case sizeExtension(value: Int)
        case sizeLF(value: Int)
        case data(remaining: Int)
        case dataCR
        case dataLF
        /// Trailer fields after the last chunk: `length` bytes of the current line so far.
        case trailer(length: Int)
        case trailerLF(emptyLine: Bool)
        case untilClose
        case done
    }

    /// Why the bytes are not a well-framed body.
    struct Malformed: Error, Equatable {
        /// What was wrong, for logs.
        let reason: String
    }

    /// The largest chunk size accepted (1 TiB): anything larger is taken as an attack, not data.
    static let maxChunkSize = 1 << 40
    /// The most bytes of trailer fields accepted.
    static let maxTrailers = 64 * 1024

    private var state: State
    private var trailerBytes = 0

    init(_ framing: BodyFraming) {
        switch framing {
        case .none, .length(0): state = .done
        case .length(let length): state = .length(remaining: length)
        case .chunked: state = .size(value: 0, digits: 0)
        case .untilClose: state = .untilClose
        }
    }

    /// The body ended.
    var isDone: Bool { state == .done }
    /// The body ends only when the connection does.
    var endsAtClose: Bool { state == .untilClose }

    /// Reads the body's bytes at the start of `bytes`, calling `payload` with each run of payload among them;
    /// returns how many bytes belong to the body (all of them unless it ended inside `bytes`).
    mutating func read(
        _ bytes: UnsafeRawBufferPointer,
        payload: (UnsafeRawBufferPointer) -> Void
    ) throws(Malformed) -> Int {
        var index = 0
        let count = bytes.count
        while index < count {
            switch state {
            case .done:
                return index
            case .untilClose:
                payload(UnsafeRawBufferPointer(rebasing: bytes[index...]))
                return count
            case .length(let remaining):
                let taken = min(remaining, count - index)
                payload(UnsafeRawBufferPointer(rebasing: bytes[index..<index + taken]))
                index += taken
                state = remaining == taken ? .done : .length(remaining: remaining - taken)
            case .data(let remaining):
                let taken = min(remaining, count - index)
                payload(UnsafeRawBufferPointer(rebasing: bytes[index..<index + taken]))
                index += taken
                state = remaining == taken ? .dataCR : .data(remaining: remaining - taken)
            default:
                try step(bytes[index])
                index += 1
            }
        }
        return index
    }

    /// Reads one byte of chunk framing.
    private mutating func step(_ byte: UInt8) throws(Malformed) {
        switch state {
        case .size(let value, let digits):
            if let digit = Self.hexValue(byte) {
                guard value <= Self.maxChunkSize >> 4 else { throw Malformed(reason: "a chunk size too large") }
                state = .size(value: value << 4 | digit, digits: digits + 1)
            } else if digits == 0 {
                throw Malformed(reason: "a chunk size line without a size")
            } else {
                state = .sizeWhitespace(value: value)
                try step(byte)
            }
        case .sizeWhitespace(let value):
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"): break
            case UInt8(ascii: ";"): state = .sizeExtension(value: value)
            case UInt8(ascii: "\r"): state = .sizeLF(value: value)
            default: throw Malformed(reason: "a chunk size followed by \(Self.describe(byte))")
            }
        case .sizeExtension(let value):
            if byte == UInt8(ascii: "\r") {
                state = .sizeLF(value: value)
            } else if Self.isControl(byte), byte != UInt8(ascii: "\t") {
                throw Malformed(reason: "a chunk extension holding \(Self.describe(byte))")
            }
        case .sizeLF(let value):
            guard byte == UInt8(ascii: "\n") else { throw Malformed(reason: "a chunk size line without CRLF") }
            state = value == 0 ? .trailer(length: 0) : .data(remaining: value)
        case .dataCR:
            guard byte == UInt8(ascii: "\r") else { throw Malformed(reason: "a chunk longer than its size") }
            state = .dataLF
        case .dataLF:
            guard byte == UInt8(ascii: "\n") else { throw Malformed(reason: "a chunk not ended by CRLF") }
            state = .size(value: 0, digits: 0)
        case .trailer(let length):
            trailerBytes += 1
            guard trailerBytes <= Self.maxTrailers else { throw Malformed(reason: "trailer fields over 64 KiB") }
            if byte == UInt8(ascii: "\r") {
                state = .trailerLF(emptyLine: length == 0)
            } else if byte == UInt8(ascii: "\n") || (Self.isControl(byte) && byte != UInt8(ascii: "\t")) {
                throw Malformed(reason: "a trailer field holding \(Self.describe(byte))")
            } else {
                state = .trailer(length: length + 1)
            }
        case .trailerLF(let emptyLine):
            guard byte == UInt8(ascii: "\n") else { throw Malformed(reason: "a trailer line without CRLF") }
            state = emptyLine ? .done : .trailer(length: 0)
        case .length, .data, .untilClose, .done:
            break
        }
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// A control character (tab included) or DEL.
    static func isControl(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F
    }

    static func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }
}
