import Foundation

/// Reads the fields of one JSON object leniently: every problem becomes a ``DataIssue`` and a safe value.
///
/// Fields are named by the wire types' own `CodingKeys`, so a field's name is written once, where the type
/// declares it, and the fast writer, `Codable` and this reader all use it.
struct FieldReader {
    let members: [JSONMember]
    let path: IssuePath
    let tool: String?
    let cache: String?
    let context: DecodingContext

    /// A reader of `value`'s members; nil when `value` is not an object.
    init?(_ value: JSONValue, path: IssuePath, tool: String? = nil, cache: String? = nil, context: DecodingContext) {
        guard case .object(let members) = value else { return nil }
        self.members = members
        self.path = path
        self.tool = tool
        self.cache = cache
        self.context = context
    }

    /// The member named `key` (the first, when a name repeats).
    func member(_ key: some CodingKey) -> JSONMember? {
        let name = key.stringValue
        // Most members differ from the name in length: comparing lengths (stored in the string) first
        // leaves the full comparison, a call into the standard library, to the few of the same length.
        let length = name.utf8.count
        return members.first { $0.key.utf8.count == length && $0.key == name }
    }

    func contains(_ key: some CodingKey) -> Bool {
        member(key) != nil
    }

    func flag(_ key: some CodingKey, _ kind: DataIssue.Kind, _ value: String? = nil) {
        flag(named: key.stringValue, kind, value)
    }

    func flag(named key: String, _ kind: DataIssue.Kind, _ value: String? = nil) {
        let parent = path.text
        let location = parent.isEmpty ? key : "\(parent).\(key)"
        context.log.add(DataIssue(path: location, kind: kind, value: value, tool: tool, cache: cache))
    }

    /// The raw value at `key`; flags it as missing when `required` and absent.
    func value(_ key: some CodingKey, required: Bool) -> LenientValue? {
        guard let member = member(key) else {
            if required { flag(key, .missing) }
            return nil
        }
        return LenientValue(member.value)
    }

    /// A finite number within `range`, else `nil` (flagged).
    func number(_ key: some CodingKey, required: Bool, range: ClosedRange<Double>) -> Double? {
        guard let raw = value(key, required: required) else { return nil }
        if case .null = raw, !required { return nil }
        guard case .number(let number) = raw else {
            flag(key, .wrongType, raw.shown)
            return nil
        }
        guard number.isFinite else {
            flag(key, .notFinite, raw.shown)
            return nil
        }
        if number < range.lowerBound {
            flag(key, range.lowerBound == 0 ? .negative : .outOfRange, raw.shown)
            return nil
        }
        if number > range.upperBound {
            flag(key, .outOfRange, raw.shown)
            return nil
        }
        return number
    }

    /// A whole, non-negative count below ``Plausibility/maxCount``, else `nil` (flagged).
    func count(_ key: some CodingKey, required: Bool = true) -> Int? {
        guard let number = number(key, required: required, range: 0...Plausibility.maxCount) else { return nil }
        guard number.rounded() == number else {
            flag(key, .notWhole, "\(number)")
            return nil
        }
        return Int(number)
    }

    /// A latency in milliseconds.
    func latency(_ key: some CodingKey) -> Double? {
        number(key, required: true, range: 0...Plausibility.maxLatencyMs)
    }

    /// A percentage, 0–100.
    func percent(_ key: some CodingKey) -> Double? {
        number(key, required: true, range: Plausibility.percentRange)
    }

    /// `true` or `false`, else `nil` (flagged when present with another type).
    func bool(_ key: some CodingKey, required: Bool) -> Bool? {
        guard let member = member(key) else {
            if required { flag(key, .missing) }
            return nil
        }
        guard case .bool(let value) = member.value else {
            if case .null = member.value, !required { return nil }
            flag(key, .wrongType, JSONKind(member.value).name)
            return nil
        }
        return value
    }

    /// A string, else `nil` (flagged when present with another type).
    func string(_ key: some CodingKey, required: Bool) -> String? {
        guard let raw = value(key, required: required) else { return nil }
        guard case .string(let string) = raw else {
            if case .null = raw, !required { return nil }
            flag(key, .wrongType, raw.shown)
            return nil
        }
        return string
    }

    /// A map of names to counts (`error_types`); bad entries are flagged and left out.
    func counts(_ key: some CodingKey) -> [String: Int] {
        guard let member = member(key) else {
            flag(key, .missing)
            return [:]
        }
        guard case .object(let entries) = member.value else {
            flag(key, .wrongType, JSONKind(member.value).name)
            return [:]
        }
        var result: [String: Int] = [:]
        result.reserveCapacity(entries.count)
        for entry in entries {
            let value = LenientValue(entry.value)
            // Named only when flagged: most entries are fine, and sanitizing a name for display is not free.
            func flagEntry(_ kind: DataIssue.Kind) {
                flag(named: IssuePath(section: key.stringValue, entry: entry.key).text, kind, value.shown)
            }
            guard case .number(let number) = value else {
                flagEntry(.wrongType)
                continue
            }
            guard number.isFinite else {
                flagEntry(.notFinite)
                continue
            }
            guard number >= 0 else {
                flagEntry(.negative)
                continue
            }
            guard number <= Plausibility.maxCount, number.rounded() == number else {
                flagEntry(number.rounded() == number ? .outOfRange : .notWhole)
                continue
            }
            result[entry.key] = Int(number)
        }
        return result
    }

    /// An optional extension object decoded strictly (with `Codable`, from its own bytes); a bad one is
    /// flagged and dropped.
    func tolerant<Value: Decodable & Sendable>(_ type: Value.Type, _ key: some CodingKey) -> Value? {
        guard let member = member(key), member.value != .null else { return nil }
        let decoder = JSONDecoder()
        // Python's bare NaN and Infinity are read only in JSON5 mode, which refuses some valid JSON (an
        // escaped NUL), so it is used only for a section that holds them.
        decoder.allowsJSON5 = member.value.holdsNonFinite
        do {
            return try decoder.decode(Value.self, from: context.body[member.range])
        } catch let error as DecodingError {
            flag(key, .dropped, DecodingProblem.describe(error))
        } catch {
            flag(key, .dropped, "\(error)")
        }
        return nil
    }
}

/// Where a reader's fields sit in the document, spelled out only when an issue names it (most snapshots
/// have none, and a tool's name is sanitized for display first).
struct IssuePath {
    let section: String
    let entry: String?

    /// A section of the document (`""` for the top level).
    init(_ section: String) {
        self.section = section
        self.entry = nil
    }

    /// The entry named `entry` of a map section, like `tool_metrics["search"]`.
    init(section: String, entry: String) {
        self.section = section
        self.entry = entry
    }

    var text: String {
        guard let entry else { return section }
        return "\(section)[\"\(DisplayText.sanitized(entry, maxLength: 60))\"]"
    }
}
