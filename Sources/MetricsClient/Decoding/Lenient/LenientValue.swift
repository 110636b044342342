/// One JSON value read without assuming its type, so a wrong type is a flagged issue rather than a failed
/// document. Numbers are read first: in a well-formed document that is the only attempt made.
enum LenientValue: Decodable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    /// An object or array where a scalar belongs.
    case structure

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if container.decodeNil() {
            self = .null
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else {
            self = .structure
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
struct JSONKind: Decodable {
    let name: String

    init(from decoder: any Decoder) throws {
        if (try? decoder.container(keyedBy: AnyKey.self)) != nil {
            name = "an object"
        } else if (try? decoder.unkeyedContainer()) != nil {
            name = "an array"
        } else {
            switch try LenientValue(from: decoder) {
            case .number: name = "a number"
            case .string: name = "a string"
            case .bool: name = "a boolean"
            case .null: name = "null"
            case .structure: name = "an unknown value"
            }
        }
    }
}
