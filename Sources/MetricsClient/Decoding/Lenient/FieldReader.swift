/// Reads the fields of one JSON object leniently: every problem becomes a ``DataIssue`` and a safe value.
///
/// Fields are named by the wire types' own `CodingKeys`, so a field's name is written once, where the type
/// declares it, and the fast writer, `Codable` and this reader all use it.
struct FieldReader {
    let container: KeyedDecodingContainer<AnyKey>
    let path: String
    let tool: String?
    let cache: String?
    let log: IssueLog

    init(_ decoder: any Decoder, path: String, tool: String? = nil, cache: String? = nil) throws {
        container = try decoder.container(keyedBy: AnyKey.self)
        self.path = path
        self.tool = tool
        self.cache = cache
        log = IssueLog.from(decoder)
    }

    func contains(_ key: some CodingKey) -> Bool {
        container.contains(AnyKey(key.stringValue))
    }

    func flag(_ key: some CodingKey, _ kind: DataIssue.Kind, _ value: String? = nil) {
        flag(named: key.stringValue, kind, value)
    }

    func flag(named key: String, _ kind: DataIssue.Kind, _ value: String? = nil) {
        let location = path.isEmpty ? key : "\(path).\(key)"
        log.add(DataIssue(path: location, kind: kind, value: value, tool: tool, cache: cache))
    }

    /// The raw value at `key`; flags it as missing when `required` and absent.
    func value(_ key: some CodingKey, required: Bool) -> LenientValue? {
        let codingKey = AnyKey(key.stringValue)
        guard container.contains(codingKey) else {
            if required { flag(key, .missing) }
            return nil
        }
        return (try? container.decode(LenientValue.self, forKey: codingKey)) ?? .structure
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
        let codingKey = AnyKey(key.stringValue)
        guard container.contains(codingKey) else {
            flag(key, .missing)
            return [:]
        }
        guard let raw = try? container.decode([String: LenientValue].self, forKey: codingKey) else {
            let kind = (try? container.decode(JSONKind.self, forKey: codingKey))?.name ?? "not an object"
            flag(key, .wrongType, kind)
            return [:]
        }
        var result: [String: Int] = [:]
        result.reserveCapacity(raw.count)
        for (name, value) in raw {
            let entry = "\(key.stringValue)[\"\(DisplayText.sanitized(name, maxLength: 60))\"]"
            guard case .number(let number) = value else {
                flag(named: entry, .wrongType, value.shown)
                continue
            }
            guard number.isFinite else {
                flag(named: entry, .notFinite, value.shown)
                continue
            }
            guard number >= 0 else {
                flag(named: entry, .negative, value.shown)
                continue
            }
            guard number <= Plausibility.maxCount, number.rounded() == number else {
                flag(named: entry, number.rounded() == number ? .outOfRange : .notWhole, value.shown)
                continue
            }
            result[name] = Int(number)
        }
        return result
    }

    /// An optional extension object decoded strictly; a bad one is flagged and dropped.
    func tolerant<Value: Decodable & Sendable>(_ type: Value.Type, _ key: some CodingKey) -> Value? {
        let codingKey = AnyKey(key.stringValue)
        guard container.contains(codingKey), (try? container.decodeNil(forKey: codingKey)) != true else { return nil }
        guard let decoded = try? container.decode(Tolerant<Value>.self, forKey: codingKey) else { return nil }
        if let problem = decoded.problem { flag(key, .dropped, problem) }
        return decoded.value
    }
}
