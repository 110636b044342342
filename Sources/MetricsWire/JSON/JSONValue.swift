/// A JSON value as the proxy's observer reads it: strings decoded, numbers kept as written (so an id
/// like `12345678901234567890` or `1.0` is echoed exactly), object members in document order.
public enum JSONValue: Sendable, Equatable {
    /// An object's members in document order; a repeated key appears more than once.
    case object([JSONMember])
    /// An array's elements.
    case array([JSONValue])
    /// A string, with escapes decoded.
    case string(String)
    /// A number, exactly as written.
    case number(String)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null

    /// The value of the last member named `key` (the last wins, as in most JSON readers), for an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// The elements, for an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The members in document order, for an object.
    public var members: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The string, for a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, for `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number as a double, for a number.
    public var doubleValue: Double? {
        if case .number(let text) = self { return JSONNumber.double(text) }
        return nil
    }

    /// Whether a `NaN` or `Infinity` (read with `allowsNonFinite`) is in this value.
    public var holdsNonFinite: Bool {
        switch self {
        case .number(let text): return text == "nan" || text == "inf" || text == "-inf"
        case .object(let members): return members.contains { $0.value.holdsNonFinite }
        case .array(let elements): return elements.contains { $0.holdsNonFinite }
        case .string, .bool, .null: return false
        }
    }

    /// The number as an integer, for a number written as one (or integral, like `3.0`, within range).
    public var intValue: Int? {
        guard case .number(let text) = self else { return nil }
        if let value = JSONNumber.shortInteger(text) ?? Int(text) { return value }
        guard let double = JSONNumber.double(text), double.rounded() == double, abs(double) < 9.0e15 else { return nil }
        return Int(double)
    }
}

/// One member of a JSON object, with where its value sits in the parsed bytes.
public struct JSONMember: Sendable, Equatable {
    /// The member's name, escapes decoded.
    public var key: String
    /// The member's value.
    public var value: JSONValue
    /// The byte offsets of the value's text in the parsed input (for echoing it unchanged).
    public var range: Range<Int>

    /// Creates a member.
    public init(key: String, value: JSONValue, range: Range<Int>) {
        self.key = key
        self.value = value
        self.range = range
    }
}
