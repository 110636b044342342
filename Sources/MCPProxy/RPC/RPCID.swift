import Engine
import MetricsWire

/// A JSON-RPC id. A number and a string never match (`1` is not `"1"`); numbers match by value as
/// written canonically (`1` and `1.0` are one id), strings exactly.
public enum RPCID: Hashable, Sendable, CustomStringConvertible {
    /// A number id, canonical spelling.
    case number(String)
    /// A string id.
    case string(String)

    /// The id of a request or response, or `nil` for a missing id, `null` or another JSON type.
    public init?(_ value: JSONValue?) {
        switch value {
        case .number(let text)?: self = .number(JSONValue.canonicalNumber(text))
        case .string(let text)?: self = .string(text)
        default: return nil
        }
    }

    /// For display and the wire: a number as written, a string in quotes (truncated, display-safe).
    public var description: String {
        switch self {
        case .number(let text): return text
        case .string(let text): return "\"" + DisplayText.singleLine(text, maxLength: 40) + "\""
        }
    }
}

/// Which side sent a message.
public enum RPCSide: Sendable, Hashable {
    /// The MCP client (the proxy's stdin).
    case client
    /// The MCP server (its stdout).
    case server

    /// The other side.
    public var peer: RPCSide { self == .client ? .server : .client }
}

extension RPCID {
    /// The id as JSON: a number as written, a string quoted and escaped.
    public var jsonText: String {
        switch self {
        case .number(let text): return text
        case .string(let text): return JSONText.quoted(text)
        }
    }
}
