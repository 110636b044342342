/// One JSON value read without assuming its type, so a wrong type is a flagged issue rather than a failed
/// document. Numbers are read first: in a well-formed document that is the only attempt made.
enum LenientValue: Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    /// An object or array where a scalar belongs.
    case structure

    init(_ value: JSONValue) {
        switch value {
        case .number(let text): self = JSONNumber.double(text).map { .number($0) } ?? .structure
        case .string(let string): self = .string(string)
        case .bool(let bool): self = .bool(bool)
        case .null: self = .null
        case .object, .array: self = .structure
        }
    }

    /// The value as received, shortened, for an issue report.
    var shown: String {
        switch self {
        case .number(let value): return "\(value)"
        case .string(let value): return "\"" + DisplayText.sanitized(value, maxLength: 40) + "\""
        case .bool(let value): return "\(value)"
        case .null: return "null"
        case .structure: return "an object or array"
        }
    }
}

/// The JSON type of a value, for messages about a section of the wrong shape.
struct JSONKind {
    let name: String

    init(_ value: JSONValue) {
        switch value {
        case .object: name = "an object"
        case .array: name = "an array"
        case .number: name = "a number"
        case .string: name = "a string"
        case .bool: name = "a boolean"
        case .null: name = "null"
        }
    }
}
