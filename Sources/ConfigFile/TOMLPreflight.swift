/// Finds, before toml++ (inside TOMLKit) reads a text, the inputs it assumes cannot happen: on them a debug
/// build stops the whole process on an assertion, and a release build's behaviour is undefined, rather than
/// an error being reported. Fuzzing found them; none is TOML, so refusing them with a line loses nothing:
/// - a table header whose name does not start with a bare-key character or a quote (`[€]`, `[[é]]`, `[`
///   followed by a control character or the end of the line);
/// - a `}` where an array expects a value (`targets = ["a", }]`).
///
/// It reads the text as toml++ does — lines end at `\n`, only spaces and tabs are blanks, strings and
/// comments hide what is inside them — and tracks only which brackets are open, so it never refuses what
/// toml++ would read.
struct TOMLPreflight {
    /// What is wrong, and on which line (1-based).
    struct Problem: Error, Equatable {
        var line: Int
        var message: String
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    init(_ text: String) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
    }

    /// The first input toml++ cannot be given, if any.
    static func problem(in text: String) -> Problem? {
        var scanner = TOMLPreflight(text)
        do {
            try scanner.scan()
            return nil
        } catch {
            return error
        }
    }

    /// An open bracket of a value: an array (which may be waiting for a value) or an inline table.
    private enum Open {
        case array(expectingValue: Bool)
        case inlineTable
    }

    private mutating func scan() throws(Problem) {
        var open: [Open] = []
        var inValue = false
        var atLineStart = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                index += 1
                atLineStart = true
                if open.isEmpty { inValue = false }
                continue
            }
            if byte == 0x20 || byte == 0x09 || byte == 0x0D {
                index += 1
                continue
            }
            let lineStart = atLineStart
            atLineStart = false
            if byte == UInt8(ascii: "#") {
                skipComment()
                continue
            }
            if !inValue {
                if byte == UInt8(ascii: "["), lineStart {
                    try header()
                    skipToLineEnd()
                } else if byte == UInt8(ascii: "=") {
                    inValue = true
                    index += 1
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    skipString()
                } else {
                    index += 1
                }
                continue
            }
            if case .array(expectingValue: true) = open.last {
                if byte == UInt8(ascii: "}") {
                    throw Problem(line: line, message: "an array: expected a value or `]`, got `}`")
                }
                if byte != UInt8(ascii: ",") { open[open.count - 1] = .array(expectingValue: false) }
            }
            switch byte {
            case UInt8(ascii: "["):
                open.append(.array(expectingValue: true))
                index += 1
            case UInt8(ascii: "{"):
                open.append(.inlineTable)
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if !open.isEmpty { open.removeLast() }
                if open.isEmpty { inValue = false }
                index += 1
            case UInt8(ascii: ","):
                if case .array = open.last { open[open.count - 1] = .array(expectingValue: true) }
                index += 1
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                skipString()
            default:
                index += 1
            }
        }
    }

    /// At a header's `[`: its name must start with a bare-key character, a quote, or the `]` toml++ reports
    /// as a blank name itself.
    private mutating func header() throws(Problem) {
        index += 1
        if peek == UInt8(ascii: "[") { index += 1 }
        while peek == 0x20 || peek == 0x09 { index += 1 }
        if let first = peek, Self.mayStartHeaderName(first) { return }
        if let first = peek, first >= 0x80 {
            var end = index
            while end < bytes.count, end - index < 40, bytes[end] != UInt8(ascii: "]"), bytes[end] != 0x0A { end += 1 }
            let name = String(decoding: bytes[index..<end], as: UTF8.self).unicodeScalars
                .filter { $0.value >= 0x20 && $0.value != 0x7F }
            throw Problem(
                line: line,
                message:
                    "table `\(String(name))`: a name with other characters than letters, digits, - and _ must be quoted"
            )
        }
        throw Problem(
            line: line,
            message:
                "table header: expected a name after `[` (letters, digits, - and _, or a quoted string), got \(Self.describe(peek))"
        )
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private static func mayStartHeaderName(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
            UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "]"):
            true
        default: false
        }
    }

    /// A byte as a message shows it: printable ones quoted, others by name or code.
    private static func describe(_ byte: UInt8?) -> String {
        switch byte {
        case nil, 0x0A, 0x0D: "the end of the line"
        case let byte? where (0x21..<0x7F).contains(byte): "`\(Character(UnicodeScalar(byte)))`"
        case let byte?:
            "the control character 0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
    }

    private mutating func skipComment() {
        while let byte = peek, byte != 0x0A { index += 1 }
    }

    /// Past a header's `]`: the rest of its line is a comment or an error toml++ reports itself; a string
    /// on it is still skipped whole so that its quotes do not open one.
    private mutating func skipToLineEnd() {
        while let byte = peek, byte != 0x0A {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { skipString() } else { index += 1 }
        }
    }

    /// Past a string starting at `index`: basic (`"`, with `\` escapes) or literal (`'`), single- or
    /// multi-line (tripled quotes). A single-line string ends at the end of its line as toml++ stops
    /// there with an error of its own.
    private mutating func skipString() {
        let quote = bytes[index]
        let tripled = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
        index += tripled ? 3 : 1
        while let byte = peek {
            if byte == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") {
                index += 1
                if peek == 0x0A, tripled { line += 1 }
                if peek != nil, peek != 0x0A || tripled { index += 1 }
                continue
            }
            if byte == 0x0A {
                guard tripled else { return }
                line += 1
            }
            if byte == quote {
                if !tripled {
                    index += 1
                    return
                }
                if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                    index += 3
                    // Up to two more quotes belong to the string (`""""a"""""`).
                    while peek == quote, index < bytes.count { index += 1 }
                    return
                }
            }
            index += 1
        }
    }
}
