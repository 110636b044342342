import Engine
import Foundation
import MetricsWire

/// The MCP request headers of a Streamable-HTTP POST: `Mcp-Method` and `Mcp-Name` (2026-07-28), which must
/// repeat the body's `method` and `params.name` (or `params.uri`), and `MCP-Protocol-Version` (which a
/// handshake-era client sends once its session is set up).
public struct MCPRequestHeaders: Sendable, Equatable {
    /// `Mcp-Method`, when given.
    public var method: String?
    /// `Mcp-Name` as sent (a `=?base64?…?=` value still encoded), when given.
    public var name: String?
    /// `MCP-Protocol-Version`, when given.
    public var protocolVersion: String?

    /// The methods whose requests carry `Mcp-Name`.
    static let namedMethods: Set<String> = ["tools/call", "resources/read", "prompts/get"]

    /// Creates the headers of one request.
    public init(method: String? = nil, name: String? = nil, protocolVersion: String? = nil) {
        self.method = method
        self.name = name
        self.protocolVersion = protocolVersion
    }

    /// The headers a client sends with `message` (`value` parsed): `Mcp-Method`, `Mcp-Name` (Base64-wrapped
    /// when not plain printable ASCII) and `MCP-Protocol-Version` — the one a 2026-07-28 request names in
    /// its `_meta`, else `negotiated` (a handshake-era session's, once set up).
    public static func sent(with value: JSONValue, negotiated: String?) -> MCPRequestHeaders {
        var headers = MCPRequestHeaders()
        let params = value["params"]
        headers.protocolVersion =
            params?["_meta"]?["io.modelcontextprotocol/protocolVersion"]?.stringValue ?? negotiated
        guard let method = value["method"]?.stringValue else { return headers }
        headers.method = method
        if namedMethods.contains(method),
            let name = (method == "resources/read" ? params?["uri"] : params?["name"])?.stringValue
        {
            let plain =
                name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value <= 0x7E }
                && name == name.trimmingCharacters(in: .whitespaces) && !name.hasPrefix("=?base64?")
            headers.name = plain ? name : "=?base64?\(Data(name.utf8).base64EncodedString())?="
        }
        return headers
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
