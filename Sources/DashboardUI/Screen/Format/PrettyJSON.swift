import MetricsWire

/// A JSON value as indented lines for the screen: two spaces a level, one member or element a line, empty
/// objects and arrays on one line, every string and number as written.
enum PrettyJSON {
    /// The lines of `value`.
    static func lines(_ value: JSONValue) -> [String] {
        var lines: [String] = []
        append(value, prefix: "", indent: "", suffix: "", to: &lines)
        return lines
    }

    /// The lines of `text` when it is whole JSON, else nil.
    static func lines(_ text: String) -> [String]? {
        guard let value = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        return lines(value)
    }

    /// Cuts each of `lines` into pieces at most `width` columns wide; a continuation keeps its line's
    /// indentation plus two spaces, so nothing is hidden past the edge.
    static func wrap(_ lines: [String], width: Int) -> [String] {
        guard width > 8 else { return lines }
        var out: [String] = []
        out.reserveCapacity(lines.count)
        for line in lines {
            guard DisplayWidth.of(line) > width else {
                out.append(line)
                continue
            }
            let indent = String(repeating: " ", count: min(width / 2, line.prefix { $0 == " " }.count + 2))
            var rest = Substring(line)
            var first = true
            while !rest.isEmpty {
                let room = first ? width : width - indent.count
                var used = 0
                var end = rest.startIndex
                while end < rest.endIndex {
                    let columns = DisplayWidth.of(rest[end])
                    if used + columns > room, used > 0 { break }
                    used += columns
                    end = rest.index(after: end)
                }
                out.append((first ? "" : indent) + rest[..<end])
                rest = rest[end...]
                first = false
            }
        }
        return out
    }

    private static func append(
        _ value: JSONValue,
        prefix: String,
        indent: String,
        suffix: String,
        to lines: inout [String]
    ) {
        let inner = indent + "  "
        switch value {
        case .object(let members) where !members.isEmpty:
            lines.append(indent + prefix + "{")
            for (index, member) in members.enumerated() {
                let comma = index == members.count - 1 ? "" : ","
                append(member.value, prefix: quoted(member.key) + ": ", indent: inner, suffix: comma, to: &lines)
            }
            lines.append(indent + "}" + suffix)
        case .array(let elements) where !elements.isEmpty:
            lines.append(indent + prefix + "[")
            for (index, element) in elements.enumerated() {
                append(element, prefix: "", indent: inner, suffix: index == elements.count - 1 ? "" : ",", to: &lines)
            }
            lines.append(indent + "]" + suffix)
        case .string(let text):
            lines.append(indent + prefix + quoted(text) + suffix)
        default:
            lines.append(indent + prefix + value.compactText + suffix)
        }
    }

    /// A string as JSON, `/` left as it is (the writer escapes it, which only hinders reading).
    private static func quoted(_ text: String) -> String {
        let quoted = JSONText.quoted(text)
        return quoted.contains("\\/") ? quoted.replacingOccurrences(of: "\\/", with: "/") : quoted
    }
}
