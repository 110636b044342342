extension JSONValue {
    /// What replaces the value of a secret-looking key.
    public static let redactedMarker = "‹redacted›"

    /// Whether a member named `key` looks like it holds a secret (`authorization`, `api_key`, `apikey`,
    /// `token`, `access_token`, `password`, `secret`, `cookie`, …, in any case and with `-` or `_`).
    public static func isSecretKey(_ key: String) -> Bool {
        let name = key.lowercased().replacingOccurrences(of: "-", with: "_")
        // Counts of a model's tokens are not secrets (`max_tokens`, `total_tokens`).
        if name.hasSuffix("tokens") { return false }
        if ["auth", "cookie", "set_cookie", "session", "pass", "pwd", "key", "credentials"].contains(name) {
            return true
        }
        return [
            "authorization", "api_key", "apikey", "token", "password", "passwd", "secret", "cookie", "private_key",
            "credential", "bearer",
        ]
        .contains { name.contains($0) }
    }

    /// The value as compact JSON, the values of secret-looking keys at any depth replaced by
    /// ``redactedMarker``; cut to at most `limit` bytes (on a character's boundary, ending in `…`).
    public func redactedText(limit: Int) -> String {
        var out = ""
        write(to: &out, limit: limit)
        guard out.utf8.count > limit else { return out }
        var cut = out.utf8.prefix(max(0, limit - 3))
        while !cut.isEmpty, String(cut) == nil { cut = cut.dropLast() }
        return (String(cut) ?? "") + "…"
    }

    private func write(to out: inout String, limit: Int) {
        // Past the limit nothing more is written: the text is cut there anyway.
        guard out.utf8.count <= limit else { return }
        switch self {
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                out += JSONText.quoted(member.key) + ":"
                if Self.isSecretKey(member.key) {
                    out += JSONText.quoted(Self.redactedMarker)
                } else {
                    member.value.write(to: &out, limit: limit)
                }
            }
            out += "}"
        case .array(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                element.write(to: &out, limit: limit)
            }
            out += "]"
        case .string(let text): out += JSONText.quoted(text)
        case .number(let text): out += text
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        }
    }
}
