import Engine
import MetricsWire

extension JSONValue {
    /// One spelling for every way of writing the same value, for cache keys: members sorted by name (the
    /// last of a repeated name wins), no whitespace, strings with the fewest escapes, numbers in their
    /// shortest form (`1.0`, `1e0` and `1` are one number; integers past 2^53 keep their digits).
    public var canonicalJSON: String {
        var out = ""
        writeCanonical(to: &out)
        return out
    }

    private func writeCanonical(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .string(let value): Self.writeString(value, to: &out)
        case .number(let text): out += Self.canonicalNumber(text)
        case .array(let elements):
            out += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { out += "," }
                element.writeCanonical(to: &out)
            }
            out += "]"
        case .object(let members):
            // By name; of a repeated name the last (a stable sort keeps their order, the last is taken).
            let order = members.indices.sorted {
                members[$0].key < members[$1].key || (members[$0].key == members[$1].key && $0 < $1)
            }
            out += "{"
            var first = true
            var groupStart = 0
            for (position, index) in order.enumerated() {
                if position > 0, members[order[position - 1]].key != members[index].key { groupStart = position }
                if position + 1 < order.count, members[order[position + 1]].key == members[index].key { continue }
                if !first { out += "," }
                first = false
                // Names equal as strings (é composed or not) are one: the first one's spelling, the last value.
                Self.writeString(members[order[groupStart]].key, to: &out)
                out += ":"
                members[index].value.writeCanonical(to: &out)
            }
            out += "}"
        }
    }

    static func canonicalNumber(_ text: String) -> String {
        let isInteger = !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        if isInteger {
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            if digits == "0" { return "0" }
            if digits.count > 15 { return text }
        }
        guard let value = Double(text), value.isFinite else { return text }
        if value == 0 { return "0" }
        if value.rounded() == value, abs(value) < 9.0e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func writeString(_ value: String, to out: inout String) {
        // Most strings need no escape: written whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += "\""
            out += value
            out += "\""
            return
        }
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
