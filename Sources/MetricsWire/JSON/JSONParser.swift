import Foundation

/// Why a line is not JSON, with the byte offset where reading stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public var reason: String
    /// The byte offset in the input.
    public var offset: Int

    /// The reason and where.
    public var description: String { "\(reason) at byte \(offset)" }

    /// The reason and where, as a person finds it in `bytes`: `… around line 2, column 7`.
    public func located(in bytes: some Collection<UInt8>) -> String {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return "\(reason) around line \(line), column \(column)"
    }
}

/// A strict JSON reader (RFC 8259) over bytes — for observing JSON-RPC lines and reading metrics
/// snapshots: no recursion past ``maxDepth``, no allocation beyond the values it returns, never traps on
/// any input. Asked to, it also reads the bare `NaN`, `Infinity` and `-Infinity` Python writes for
/// non-finite floats, as numbers.
public struct JSONParser {
    /// Nesting deeper than this is refused (the observer never needs deep values; the line is relayed anyway).
    public static let maxDepth = 128

    private let bytes: UnsafeBufferPointer<UInt8>
    private let allowsNonFinite: Bool
    private var index = 0
    private var depth = 0
    /// Members and elements of the containers being read, innermost last: each container's array is made
    /// once, at its exact size, when it closes (instead of growing one append at a time).
    private var openMembers: [JSONMember] = []
    private var openElements: [JSONValue] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>, allowsNonFinite: Bool = false) {
        self.bytes = bytes
        self.allowsNonFinite = allowsNonFinite
    }

    /// Parses one whole JSON text (whitespace around it allowed, a trailing `\r` too); with
    /// `allowsNonFinite`, `NaN`, `Infinity` and `-Infinity` are numbers.
    public static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        allowsNonFinite: Bool = false
    ) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes, allowsNonFinite: allowsNonFinite)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected text after the value") }
        return value
    }

    /// Parses bytes held in `Data`.
    public static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        try parse(Array(data))
    }

    /// Parses bytes held in an array.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        do {
            return try bytes.withUnsafeBufferPointer { try parse($0) }
        } catch let error as JSONParseError {
            throw error
        } catch {
            throw JSONParseError(reason: "\(error)", offset: 0)
        }
    }

    /// The members of a top-level object that were complete before the input ended: for reading the head of
    /// a line too long to parse whole. A member whose value is an object cut short is kept with the members
    /// of it that were complete (so `params.name` of a huge `tools/call` is found). Empty when the input
    /// does not start an object.
    public static func members(ofTruncated bytes: UnsafeBufferPointer<UInt8>) -> [JSONMember] {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        return parser.truncatedObject() ?? []
    }

    private mutating func truncatedObject() -> [JSONMember]? {
        guard peek == UInt8(ascii: "{"), depth < Self.maxDepth else { return nil }
        index += 1
        depth += 1
        var members: [JSONMember] = []
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\""), let key = try? string() else { return members }
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { return members }
            index += 1
            skipWhitespace()
            let (start, outerDepth) = (index, depth)
            guard let value = try? value() else {
                (index, depth) = (start, outerDepth)
                if let inner = truncatedObject() {
                    members.append(JSONMember(key: key, value: .object(inner), range: start..<start))
                }
                return members
            }
            members.append(JSONMember(key: key, value: value, range: start..<index))
            skipWhitespace()
            guard peek == UInt8(ascii: ",") else { return members }
            index += 1
        }
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func failure(_ reason: String) -> JSONParseError {
        JSONParseError(reason: reason, offset: index)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONParseError) -> JSONValue {
        guard let byte = peek else { throw failure("the input ended where a value was expected") }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "N") where allowsNonFinite: return try literal("NaN", .number("nan"))
        case UInt8(ascii: "I") where allowsNonFinite: return try literal("Infinity", .number("inf"))
        case UInt8(ascii: "-")
        where allowsNonFinite && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "I"):
            index += 1
            return try literal("Infinity", .number("-inf"))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected byte 0x\(String(byte, radix: 16))")
        }
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw failure("nested deeper than \(Self.maxDepth)") }
    }

    private mutating func object() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object([])
        }
        let base = openMembers.count
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw failure("expected a member name") }
            let key = try string()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
            index += 1
            skipWhitespace()
            let start = index
            let value = try value()
            openMembers.append(JSONMember(key: key, value: value, range: start..<index))
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                let members = Array(openMembers[base...])
                openMembers.removeSubrange(base...)
                return .object(members)
            default: throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array([])
        }
        let base = openElements.count
        while true {
            skipWhitespace()
            let element = try value()
            openElements.append(element)
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                let elements = Array(openElements[base...])
                openElements.removeSubrange(base...)
                return .array(elements)
            default: throw failure("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw failure("the input ended inside a literal") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw failure("unknown literal")
        }
        index += count
        return value
    }

    private mutating func number() throws(JSONParseError) -> JSONValue {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, isDigit(first) else { throw failure("expected a digit") }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard let digit = peek, isDigit(digit) else { throw failure("expected a digit after '.'") }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek, isDigit(digit) else { throw failure("expected a digit in an exponent") }
            skipDigits()
        }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while let byte = peek, isDigit(byte) { index += 1 }
    }

    /// A string starting at the opening quote; escapes decoded, invalid UTF-8 replaced (the bytes are relayed
    /// unchanged anyway).
    private mutating func string() throws(JSONParseError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("a control character inside a string") }
            index += 1
        }
        var scalars: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while true {
            guard index < bytes.count else { throw failure("the input ended inside a string") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard let escape = peek else { throw failure("the input ended inside an escape") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"): try unicodeEscape(into: &scalars)
                default: throw failure("unknown escape")
                }
            case 0x00..<0x20: throw failure("a control character inside a string")
            default:
                scalars.append(byte)
                index += 1
            }
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw failure("the input ended inside \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("a bad hex digit in \\u")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func unicodeEscape(into scalars: inout [UInt8]) throws(JSONParseError) {
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code), bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
        {
            let save = index
            index += 2
            let low = try hex4()
            if (0xDC00..<0xE000).contains(low) {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else {
                index = save
            }
        }
        // A lone surrogate becomes U+FFFD, as decoders that do not refuse it do.
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        scalars.append(contentsOf: String(Character(scalar)).utf8)
    }
}
