import CProxy
import Engine
import NIOCore

/// Why a message head cannot be relayed.
struct HeadError: Error, Equatable {
    /// What was wrong, for logs.
    let reason: String
    /// The head is over ``HeadFields/maxHead`` (a request gets a 431).
    var tooLarge = false
}

/// The header fields of one HTTP/1 head, read in place: where each line is, and the few fields the relay acts
/// on. Lines are read strictly (a name of token characters right before its colon, no folding, no control
/// characters in values) because the head is written on as the relay reads it, field by field, and the
/// upstream must not read a different message from it.
///
/// Hop-by-hop fields (RFC 9110 §7.6.1) are not passed on: those of the connection itself and any the
/// `Connection` field names. `Host` is the upstream's (servers check it against DNS rebinding).
/// `Transfer-Encoding` and `Content-Length` are passed on with the body as its sender framed it.
struct HeadFields {
    /// The largest head accepted, as NIO's HTTP parser has it.
    static let maxHead = 80 * 1024

    enum Kind {
        case endToEnd, dropped, connection, transferEncoding, contentLength, contentType, sessionID, expect
        /// `Mcp-Method`, `Mcp-Name` (2026-07-28) and `MCP-Protocol-Version`: passed on, read for the observer.
        case mcpMethod, mcpName, mcpProtocolVersion
    }

    struct Field {
        /// The whole line, without its line end.
        var line: Range<Int>
        var name: Range<Int>
        var value: Range<Int>
        var kind: Kind
    }

    private(set) var fields: [Field] = []
    /// `Connection: close`.
    private(set) var close = false
    /// `Connection: keep-alive`.
    private(set) var keepAlive = false
    /// `Content-Length`, when given.
    private(set) var contentLength: Int?
    /// `Transfer-Encoding` was given: whether its last coding is `chunked`.
    private(set) var chunked: Bool?
    /// `Expect: 100-continue`.
    private(set) var expectsContinue = false
    /// Where `Mcp-Session-Id` and `Content-Type` are, when given.
    private(set) var sessionID: Range<Int>?
    private(set) var contentType: Range<Int>?
    /// Where `Mcp-Method`, `Mcp-Name` and `MCP-Protocol-Version` are, when given.
    private(set) var mcpMethod: Range<Int>?
    private(set) var mcpName: Range<Int>?
    private(set) var mcpProtocolVersion: Range<Int>?
    /// Field names the `Connection` field lists (hop-by-hop too).
    private var named: [Range<Int>] = []

    /// The length of the head `bytes` start with, through its empty line; nil while it is incomplete.
    /// `scanned` keeps how far an incomplete head was searched, so that a head arriving in pieces is searched
    /// once.
    static func headLength(_ bytes: UnsafeRawBufferPointer, scanned: inout Int) -> Int? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var index = max(0, scanned - 2)
        while index < bytes.count {
            let found = cproxy_first_index(base + index, bytes.count - index, 0x0A)
            guard found >= 0 else { break }
            let newline = index + Int(found)
            // An empty line: LF LF, or LF CR LF.
            if newline >= 1, base[newline - 1] == 0x0A { return newline + 1 }
            if newline >= 2, base[newline - 1] == 0x0D, base[newline - 2] == 0x0A { return newline + 1 }
            index = newline + 1
        }
        scanned = bytes.count
        return nil
    }

    /// The length of the head `bytes` start with, as ``headLength(_:scanned:)`` finds it; throws when it is,
    /// or would be, over ``maxHead``.
    static func completeHead(_ bytes: UnsafeRawBufferPointer, scanned: inout Int) throws(HeadError) -> Int? {
        let length = headLength(bytes, scanned: &scanned)
        guard (length ?? bytes.count) <= maxHead else {
            throw HeadError(reason: "a head over \(maxHead) bytes", tooLarge: true)
        }
        return length
    }

    /// The end of the line that starts at `start` (at its CR LF or LF) and where the next one starts.
    static func line(_ bytes: UnsafeRawBufferPointer, from start: Int, before end: Int) -> (end: Int, next: Int) {
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let found = cproxy_first_index(base + start, end - start, 0x0A)
        let newline = found < 0 ? end : start + Int(found)
        let lineEnd = newline > start && base[newline - 1] == 0x0D ? newline - 1 : newline
        return (lineEnd, newline + 1)
    }

    /// Reads the field lines from `start` (the line after the start line) to `end` (the head's length).
    init(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) throws(HeadError) {
        fields.reserveCapacity(16)
        var lineStart = start
        while lineStart < end {
            let (lineEnd, next) = Self.line(bytes, from: lineStart, before: end)
            if lineEnd == lineStart { break }
            try read(bytes, line: lineStart..<lineEnd)
            lineStart = next
        }
        if !named.isEmpty {
            for index in fields.indices where fields[index].kind != .dropped {
                let name = fields[index].name
                // The fields that frame the body stay: the body is passed on as they frame it.
                let framing = fields[index].kind == .contentLength || fields[index].kind == .transferEncoding
                if !framing, named.contains(where: { Self.same(bytes, $0, name) }) {
                    fields[index].kind = .dropped
                }
            }
        }
    }

    private mutating func read(_ bytes: UnsafeRawBufferPointer, line: Range<Int>) throws(HeadError) {
        var colon = line.lowerBound
        while colon < line.upperBound, Self.isToken(bytes[colon]) { colon += 1 }
        guard colon > line.lowerBound, colon < line.upperBound, bytes[colon] == UInt8(ascii: ":") else {
            let first = bytes[line.lowerBound]
            throw HeadError(
                reason: first == 0x20 || first == 0x09
                    ? "a folded header line" : "a header line without a name and a colon right after it"
            )
        }
        var valueStart = colon + 1
        var valueEnd = line.upperBound
        while valueStart < valueEnd, Self.isSpace(bytes[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, Self.isSpace(bytes[valueEnd - 1]) { valueEnd -= 1 }
        for index in valueStart..<valueEnd where BodyReader.isControl(bytes[index]) && bytes[index] != 0x09 {
            throw HeadError(reason: "a header value holding \(BodyReader.describe(bytes[index]))")
        }
        let name = line.lowerBound..<colon
        let value = valueStart..<valueEnd
        let kind = Self.kind(of: UnsafeRawBufferPointer(rebasing: bytes[name]))
        switch kind {
        case .connection:
            try readConnection(bytes, value)
        case .contentLength:
            guard contentLength == nil else { throw HeadError(reason: "two Content-Length fields") }
            guard !value.isEmpty, value.count <= 15, value.allSatisfy({ Self.isDigit(bytes[$0]) }) else {
                throw HeadError(reason: "a Content-Length that is not a number")
            }
            contentLength = value.reduce(0) { $0 * 10 + Int(bytes[$1] - UInt8(ascii: "0")) }
        case .transferEncoding:
            var last = value.upperBound
            while last > value.lowerBound, bytes[last - 1] != UInt8(ascii: ",") { last -= 1 }
            while last < value.upperBound, Self.isSpace(bytes[last]) { last += 1 }
            chunked = Self.same(bytes, last..<value.upperBound, "chunked")
        case .sessionID: sessionID = value
        case .contentType: contentType = value
        case .expect: expectsContinue = Self.same(bytes, value, "100-continue")
        case .mcpMethod: mcpMethod = value
        case .mcpName: mcpName = value
        case .mcpProtocolVersion: mcpProtocolVersion = value
        case .endToEnd, .dropped: break
        }
        fields.append(Field(line: line, name: name, value: value, kind: kind == .connection ? .dropped : kind))
    }

    private mutating func readConnection(_ bytes: UnsafeRawBufferPointer, _ value: Range<Int>) throws(HeadError) {
        var start = value.lowerBound
        while start <= value.upperBound {
            var end = start
            while end < value.upperBound, bytes[end] != UInt8(ascii: ",") { end += 1 }
            var first = start
            var last = end
            while first < last, Self.isSpace(bytes[first]) { first += 1 }
            while last > first, Self.isSpace(bytes[last - 1]) { last -= 1 }
            let token = first..<last
            if Self.same(bytes, token, "close") {
                close = true
            } else if Self.same(bytes, token, "keep-alive") {
                keepAlive = true
            } else if !token.isEmpty {
                named.append(token)
            }
            start = end + 1
        }
    }

    /// Writes the end-to-end field lines (but those of kind `omitted`) to `buffer`, each ended by CR LF.
    func write(_ bytes: UnsafeRawBufferPointer, to buffer: inout ByteBuffer, without omitted: Kind? = nil) {
        for field in fields where field.kind != .dropped && field.kind != omitted {
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[field.line]))
            buffer.writeStaticString("\r\n")
        }
    }

    /// What a field name means to the relay, read with its length first (ASCII case ignored).
    static func kind(of name: UnsafeRawBufferPointer) -> Kind {
        func matches(_ lowercase: StaticString) -> Bool {
            same(name, 0..<name.count, lowercase)
        }
        switch name.count {
        case 2: return matches("te") ? .dropped : .endToEnd
        case 4: return matches("host") ? .dropped : .endToEnd
        case 6: return matches("expect") ? .expect : .endToEnd
        case 7: return matches("trailer") || matches("upgrade") ? .dropped : .endToEnd
        case 8: return matches("mcp-name") ? .mcpName : .endToEnd
        case 10:
            if matches("connection") { return .connection }
            if matches("mcp-method") { return .mcpMethod }
            return matches("keep-alive") ? .dropped : .endToEnd
        case 12: return matches("content-type") ? .contentType : .endToEnd
        case 14:
            if matches("content-length") { return .contentLength }
            return matches("mcp-session-id") ? .sessionID : .endToEnd
        case 16: return matches("proxy-connection") ? .dropped : .endToEnd
        case 17: return matches("transfer-encoding") ? .transferEncoding : .endToEnd
        case 18: return matches("proxy-authenticate") ? .dropped : .endToEnd
        case 19: return matches("proxy-authorization") ? .dropped : .endToEnd
        case 20: return matches("mcp-protocol-version") ? .mcpProtocolVersion : .endToEnd
        default: return .endToEnd
        }
    }

    /// Whether `bytes` start, at `offset`, with `HTTP/1.` and then `0` or `1` (the name is case-sensitive).
    static func isVersion(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset + 8 <= bytes.count else { return false }
        let name: StaticString = "HTTP/1."
        for index in 0..<7 where bytes[offset + index] != name.utf8Start[index] { return false }
        return bytes[offset + 7] == UInt8(ascii: "0") || bytes[offset + 7] == UInt8(ascii: "1")
    }

    /// Whether `bytes[range]` is `lowercase` but for the case of ASCII letters.
    static func same(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ lowercase: StaticString) -> Bool {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for offset in 0..<range.count {
            let byte = bytes[range.lowerBound + offset]
            // `| 0x20` lowercases an ASCII letter; no other byte turns into a lowercase letter or '-'
            // (CR would, but never reaches here).
            if byte | 0x20 != expected[offset] && byte != expected[offset] { return false }
        }
        return true
    }

    /// Whether two ranges of `bytes` hold the same text but for the case of ASCII letters.
    static func same(_ bytes: UnsafeRawBufferPointer, _ one: Range<Int>, _ other: Range<Int>) -> Bool {
        guard one.count == other.count else { return false }
        for offset in 0..<one.count {
            let a = bytes[one.lowerBound + offset]
            let b = bytes[other.lowerBound + offset]
            if a != b && !(a | 0x20 == b | 0x20 && (0x61...0x7A).contains(a | 0x20)) { return false }
        }
        return true
    }

    /// A token character (RFC 9110 §5.6.2): what names and methods are made of.
    static func isToken(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
