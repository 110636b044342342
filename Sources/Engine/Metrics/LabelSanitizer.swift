import Foundation

/// Makes tool names and error types safe to store and show: bounded, printable, never empty.
///
/// Names arrive from other processes through the ingest API, so they may be empty, huge, or carry escape
/// sequences that would corrupt a terminal. Control and format characters become `�`, surrounding whitespace
/// goes, the result is cut to ``maxCharacters`` characters (with `…`), and an empty name becomes `(unnamed)`.
public enum LabelSanitizer {
    /// The longest label kept, in characters.
    public static let maxCharacters = 96

    /// The label to store for `raw`.
    public static func sanitize(_ raw: String) -> String {
        if isClean(raw) { return raw }
        var out = String.UnicodeScalarView()
        var characters = 0
        for scalar in raw.unicodeScalars {
            if characters == maxCharacters {
                out.append("…")
                break
            }
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                out.append("\u{FFFD}")
            default:
                out.append(scalar)
            }
            characters += 1
        }
        let trimmed = String(out).trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? "(unnamed)" : trimmed
    }

    /// Whether `raw` can be stored as it is: short, printable ASCII, not blank at either end.
    /// Checked without allocating, so a well-formed name costs nothing on the hot path.
    static func isClean(_ raw: String) -> Bool {
        var count = 0
        var last: UInt8 = 0
        for byte in raw.utf8 {
            guard byte >= 0x20, byte < 0x7F else { return false }
            if count == 0, byte == 0x20 { return false }
            last = byte
            count += 1
            if count > maxCharacters { return false }
        }
        return count > 0 && last != 0x20
    }
}
