extension MetricsSnapshot {
    /// The snapshot as `/metrics` serves it: byte for byte what `JSONEncoder` with `.sortedKeys` writes
    /// (the tests compare the two), written straight into one buffer instead of through an intermediate
    /// tree, because the encoder's tree dominated the cost of a snapshot (figures in BENCHMARKS.md). Every
    /// type's fields come from its table (``WireSchema``).
    public func encodedJSON() -> [UInt8] {
        var out = JSONOutput(capacity: 1024 + toolMetrics.count * 640)
        write(to: &out)
        return out.bytes
    }
}

/// A JSON byte buffer written front to back, formatted as `JSONEncoder` formats: no whitespace, integral
/// doubles without `.0`, `/` escaped, control characters as `\n`-style or `\u00XX` escapes. A `nil` optional
/// member is left out, as synthesized `Encodable` conformances leave it out.
struct JSONOutput {
    private(set) var bytes: [UInt8] = []
    /// Whether the next member or element is the first of its container (no comma before it).
    private var first = true

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends a value already encoded.
    mutating func raw(_ value: [UInt8]) {
        bytes.append(contentsOf: value)
        first = false
    }

    mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    mutating func beginArray() {
        bytes.append(UInt8(ascii: "["))
        first = true
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    /// Starts an array element.
    mutating func element() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    /// An array element that is a whole number.
    mutating func element(_ value: Int) {
        element()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// An array element that is a number.
    mutating func element(_ value: Double) {
        element()
        number(value)
    }

    /// Starts a member: its key and colon; the value follows.
    mutating func member(_ key: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func member(_ key: some CodingKey) {
        member(key.stringValue)
    }

    mutating func member(_ key: some CodingKey, _ value: String?) {
        guard let value else { return }
        member(key.stringValue)
        string(value)
    }

    mutating func member(_ key: some CodingKey, _ value: Int?) {
        guard let value else { return }
        member(key.stringValue)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func member(_ key: String, _ value: Int?) {
        guard let value else { return }
        member(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func member(_ key: String, _ value: Double?) {
        guard let value else { return }
        member(key)
        number(value)
    }

    mutating func member(_ key: some CodingKey, _ value: Bool?) {
        guard let value else { return }
        member(key.stringValue)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func member(_ key: some CodingKey, _ value: Double?) {
        guard let value else { return }
        member(key.stringValue)
        number(value)
    }

    /// A double as `JSONEncoder` writes it; a non-finite one (which `JSONEncoder` refuses) as 0.
    private mutating func number(_ value: Double) {
        guard value.isFinite else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        let text = value.description
        let utf8 = text.utf8
        if utf8.count > 2, text.hasSuffix(".0") {
            bytes.append(contentsOf: utf8.dropLast(2))
        } else {
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "/"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "/")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30])
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
