import Foundation
import MetricsClient

/// The standard MCP request headers of a Streamable-HTTP POST (2026-07-28): `Mcp-Method` and `Mcp-Name`,
/// which must repeat the body's `method` and `params.name` (or `params.uri`).
public struct MCPRequestHeaders: Sendable, Equatable {
    /// `Mcp-Method`, when given.
    public var method: String?
    /// `Mcp-Name` as sent (a `=?base64?…?=` value still encoded), when given.
    public var name: String?

    /// The methods whose requests carry `Mcp-Name`.
    static let namedMethods: Set<String> = ["tools/call", "resources/read", "prompts/get"]

    /// Creates the headers of one request.
    public init(method: String? = nil, name: String? = nil) {
        self.method = method
        self.name = name
    }

    /// `Mcp-Name`'s value, decoded when it uses the Base64 sentinel form; `nil` when that form does not decode.
    var decodedName: String? {
        guard let name, name.hasPrefix("=?base64?"), name.hasSuffix("?="), name.count >= 11 else { return name }
        let encoded = name.dropFirst(9).dropLast(2)
        guard let data = Data(base64Encoded: String(encoded)) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// The protocol issue the headers raise against `message`, if any: `header_mismatch` when a header
    /// disagrees with the body, `header_missing` when a 2026-07-28 request lacks one it must carry.
    public func disagreement(with message: RPCMessage) -> String? {
        guard case .request(_, let bodyMethod, let params) = message else { return nil }
        let modern = params?["_meta"]?["io.modelcontextprotocol/protocolVersion"] != nil
        var missing = false
        if let method {
            if method != bodyMethod { return "header_mismatch" }
        } else {
            missing = modern
        }
        if Self.namedMethods.contains(bodyMethod) {
            let bodyName =
                bodyMethod == "resources/read" ? params?["uri"]?.stringValue : params?["name"]?.stringValue
            if name != nil {
                if decodedName != bodyName { return "header_mismatch" }
            } else if modern {
                missing = true
            }
        }
        return missing ? "header_missing" : nil
    }
}
