extension JSONValue {
    /// What replaces the value of a secret-looking key.
    public static let redactedMarker = "‹redacted›"

    /// Whether a member named `key` looks like it holds a secret (`authorization`, `api_key`, `apikey`,
    /// `token`, `access_token`, `password`, `secret`, `cookie`, …, in any case and with `-` or `_`).
    public static func isSecretKey(_ key: String) -> Bool {
        // Bytes, not Foundation's string functions: a captured message asks this of every key it has.
        var name = [UInt8]()
        name.reserveCapacity(key.utf8.count)
        for byte in key.utf8 {
            name.append(byte == 0x2D ? 0x5F : (0x41...0x5A).contains(byte) ? byte + 0x20 : byte)
        }
        // Counts of a model's tokens are not secrets (`max_tokens`, `total_tokens`).
        if name.count >= 6, name.suffix(6).elementsEqual("tokens".utf8) { return false }
        if secretNames.contains(where: { $0.elementsEqual(name) }) { return true }
        return secretParts.contains { part in Self.contains(name, part) }
    }

    /// Keys that are secrets when they are the whole name.
    private static let secretNames: [[UInt8]] = [
        "auth", "cookie", "set_cookie", "session", "pass", "pwd", "key", "credentials",
    ]
    .map { Array($0.utf8) }
    /// Parts of a name that make it a secret's.
    private static let secretParts: [[UInt8]] = [
        "authorization", "api_key", "apikey", "token", "password", "passwd", "secret", "cookie", "private_key",
        "credential", "bearer",
    ]
    .map { Array($0.utf8) }

    private static func contains(_ name: [UInt8], _ part: [UInt8]) -> Bool {
        guard name.count >= part.count else { return false }
        for start in 0...(name.count - part.count) where name[start] == part[0] {
            if name[start..<(start + part.count)].elementsEqual(part) { return true }
        }
        return false
    }

    /// The value as compact JSON, the values of secret-looking keys at any depth replaced by
    /// ``redactedMarker``; cut to at most `limit` bytes (on a character's boundary, ending in `…`).
    public func redactedText(limit: Int) -> String {
        redacted(limit: limit).text
    }

    /// The value as compact JSON, whole and as it is (numbers as written).
    public var compactText: String {
        var out = ""
        write(to: &out, limit: .max, redacting: false)
        return out
    }

    /// ``redactedText(limit:)``, and whether it was cut.
    public func redacted(limit: Int) -> (text: String, cut: Bool) {
        var out = ""
        write(to: &out, limit: limit, redacting: true)
        guard out.utf8.count > limit else { return (out, false) }
        var cut = out.utf8.prefix(max(0, limit - 3))
        while !cut.isEmpty, String(cut) == nil { cut = cut.dropLast() }
        return ((String(cut) ?? "") + "…", true)
    }

    private func write(to out: inout String, limit: Int, redacting: Bool) {
        // Past the limit nothing more is written: the text is cut there anyway.
        guard out.utf8.count <= limit else { return }
        switch self {
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                out += JSONText.quoted(member.key) + ":"
                if redacting, Self.isSecretKey(member.key) {
                    out += JSONText.quoted(Self.redactedMarker)
                } else {
                    member.value.write(to: &out, limit: limit, redacting: redacting)
                }
            }
            out += "}"
        case .array(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                element.write(to: &out, limit: limit, redacting: redacting)
            }
            out += "]"
        case .string(let text): out += JSONText.quoted(text)
        case .number(let text): out += text
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        }
    }
}
