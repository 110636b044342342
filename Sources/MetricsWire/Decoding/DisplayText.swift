/// Makes names from the network safe to print on a terminal.
///
/// Tool and cache names come from whatever server is being watched. A name could carry an escape sequence
/// that recolours or clears the screen, a newline that breaks a table, a bidirectional override that
/// reorders what follows, or be thousands of characters long. Dictionary keys keep the raw name (it is the
/// tool's identity); anything shown to a person should go through ``sanitized(_:maxLength:)`` first.
public enum DisplayText {
    /// `text` with control, format and bidirectional-override characters replaced by `�`, shortened to at
    /// most `maxLength` characters (ending in `…` when cut).
    public static func sanitized(_ text: String, maxLength: Int = 120) -> String {
        // Most names are short printable ASCII: nothing to change, no Unicode properties to look up.
        if isPrintableASCII(text, allowingSpaces: true, maxLength: maxLength) { return text }
        var result = ""
        var count = 0
        for character in text {
            if count == maxLength {
                result.removeLast()
                result.append("…")
                return result
            }
            result.append(isSafe(character) ? character : "\u{FFFD}")
            count += 1
        }
        return result
    }

    /// `text` as one line for messages from the wire: line breaks and tabs become one space each run,
    /// other unsafe characters are removed, ends trimmed, at most `maxLength` characters (ending in `…`).
    public static func singleLine(_ text: String, maxLength: Int = 200) -> String {
        // A method, tool or session name is usually printable ASCII without spaces: returned as it is (the
        // proxy's message log calls this for every message).
        if isPrintableASCII(text, allowingSpaces: false, maxLength: maxLength) { return text }
        var result = ""
        var pendingSpace = false
        var count = 0
        for character in text {
            if character.isNewline || character == "\t" || character == " " {
                pendingSpace = !result.isEmpty
                continue
            }
            guard isSafe(character) else { continue }
            if pendingSpace {
                result.append(" ")
                count += 1
                pendingSpace = false
            }
            if count >= maxLength {
                result.append("…")
                return result
            }
            result.append(character)
            count += 1
        }
        return result
    }

    /// Whether `text` would print unchanged by ``sanitized(_:maxLength:)`` (ignoring length).
    public static func isPrintable(_ text: String) -> Bool {
        text.allSatisfy(isSafe)
    }

    /// Whether `text` is at most `maxLength` bytes of printable ASCII (and spaces, when allowed).
    private static func isPrintableASCII(_ text: String, allowingSpaces: Bool, maxLength: Int) -> Bool {
        let lowest: UInt8 = allowingSpaces ? 0x20 : 0x21
        let utf8 = text.utf8
        if let fast = utf8.withContiguousStorageIfAvailable({ bytes in
            bytes.count <= maxLength && bytes.allSatisfy { $0 >= lowest && $0 <= 0x7E }
        }) {
            return fast
        }
        return utf8.count <= maxLength && utf8.allSatisfy { $0 >= lowest && $0 <= 0x7E }
    }

    private static func isSafe(_ character: Character) -> Bool {
        for scalar in character.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse:
                // Zero-width joiners are format characters but belong inside emoji sequences.
                if scalar == "\u{200D}" { continue }
                return false
            default:
                continue
            }
        }
        return true
    }
}
