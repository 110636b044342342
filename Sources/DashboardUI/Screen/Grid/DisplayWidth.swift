/// How many terminal columns text occupies, as `wcwidth` (and so curses and most terminals) count them.
///
/// East Asian wide and fullwidth characters and emoji with emoji presentation take two columns, combining
/// marks and other format characters none, everything else one. A variation selector does not widen its
/// base: `wcwidth` ignores it, and a cell grid that disagreed with curses would shift the rest of the row.
enum DisplayWidth {
    /// The ellipsis that marks truncated text; one column wide.
    static let ellipsis: Character = "…"

    /// Columns of one Unicode scalar: 0, 1 or 2. Control characters count as 0.
    static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x7F { return value >= 0x20 ? 1 : 0 }
        if value < 0xA0 { return 0 }
        if value < 0x300 { return 1 }
        // Punctuation, box drawing, blocks and shapes the panes draw with: one column, no table lookups.
        if (0x2010...0x2027).contains(value) || (0x2500...0x25FC).contains(value) { return 1 }
        if (0x1160...0x11FF).contains(value) || value == 0x200B { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control, .surrogate:
            return 0
        default:
            break
        }
        if isWide(value) || scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// Columns of one grapheme: the widest of its scalars, so a base with combining marks keeps its width.
    static func of(_ character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii >= 0x20 && ascii < 0x7F ? 1 : 0 }
        var widest = 0
        for scalar in character.unicodeScalars {
            let width = of(scalar)
            if width > widest { widest = width }
        }
        return widest
    }

    /// Columns of a string.
    static func of(_ text: String) -> Int {
        if let ascii = printableASCIICount(text) { return ascii }
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// `text` cut to at most `width` columns, ending in "…" when something was cut.
    ///
    /// A wide character that would straddle the limit is dropped whole, so the result may be one column
    /// narrower than `width`.
    static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if let ascii = printableASCIICount(text) {
            return ascii <= width ? text : String(text.utf8.prefix(width - 1))! + String(ellipsis)
        }
        if of(text) <= width { return text }
        var result = ""
        var used = 0
        for character in text {
            let columns = of(character)
            if used + columns > width - 1 { break }
            result.append(character)
            used += columns
        }
        result.append(ellipsis)
        return result
    }

    /// The length of `text` when it is all printable ASCII (one column per byte), else nil.
    private static func printableASCIICount(_ text: String) -> Int? {
        let count = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F } ? bytes.count : nil
        }
        return count ?? nil
    }

    /// Sorted East Asian Wide and Fullwidth ranges; emoji are covered by `isEmojiPresentation`.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
        0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4,
        0x16FF0...0x16FF1, 0x17000...0x18CFF, 0x18D00...0x18D08, 0x1AFF0...0x1B2FF, 0x1F200...0x1F265,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    private static func isWide(_ value: UInt32) -> Bool {
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }
}
