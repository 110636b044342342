import Foundation

/// Prose cut into lines at spaces, for text longer than the screen is wide.
enum WordWrap {
    /// The lines of `text` at most `width` columns wide, broken at each `separator` (a space, or " · " between
    /// facts), which a line's end drops (a word wider than a line is cut); continuation lines start with
    /// `indent`, and the first keeps `text`'s own leading spaces.
    static func lines(_ text: String, width: Int, indent: String = "", separator: String = " ") -> [String] {
        guard width > indent.count + 4, DisplayWidth.of(text) > width else { return [text] }
        let lead = String(text.prefix { $0 == " " })
        var lines: [String] = []
        var line = ""
        for word in text.dropFirst(lead.count).components(separatedBy: separator) where !word.isEmpty {
            if line.isEmpty {
                line = (lines.isEmpty ? lead : indent) + word
                continue
            }
            let candidate = line + separator + word
            if DisplayWidth.of(candidate) > width {
                lines.append(line)
                line = indent + word
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return PrettyJSON.wrap(lines, width: width)
    }
}
