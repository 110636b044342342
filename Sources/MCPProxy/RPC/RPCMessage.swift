import Engine
import MetricsWire

/// One JSON-RPC 2.0 message, as far as the observer needs it.
public enum RPCMessage: Sendable, Equatable {
    /// A request: expects a response with the same id.
    case request(id: RPCID, method: String, params: JSONValue?)
    /// A notification: no id, no response.
    case notification(method: String, params: JSONValue?)
    /// A response; `id` is `nil` when it was `null` (an error about a request the peer could not read).
    case response(id: RPCID?, outcome: RPCOutcome)
    /// Not a JSON-RPC message, with why.
    case invalid(String)

    /// Reads a parsed JSON value as a message.
    public init(_ value: JSONValue) {
        guard case .object = value else {
            self = .invalid("not an object")
            return
        }
        let idValue = value["id"]
        if case .string(let method)? = value["method"] {
            let params = value["params"]
            if idValue == nil {
                self = .notification(method: method, params: params)
            } else if let id = RPCID(idValue) {
                self = .request(id: id, method: method, params: params)
            } else {
                self = .invalid("a request id that is neither a number nor a string")
            }
            return
        }
        let id = RPCID(idValue)
        if id == nil, idValue != .null {
            self = .invalid(idValue == nil ? "no method and no id" : "an id that is neither a number nor a string")
            return
        }
        if let error = value["error"] {
            let code = error["code"]?.intValue
            let message = error["message"]?.stringValue ?? ""
            self = .response(id: id, outcome: .error(code: code, message: message))
        } else if let result = value["result"] {
            self = .response(id: id, outcome: .result(result))
        } else {
            self = .invalid("a response with neither result nor error")
        }
    }
}

/// How a request ended.
public enum RPCOutcome: Sendable, Equatable {
    /// A result (which may still say `isError: true` for a tool).
    case result(JSONValue)
    /// A JSON-RPC error.
    case error(code: Int?, message: String)

    /// The error type a failed call counts under, or `nil` for a success. `tools/call` results with
    /// `isError: true` are `tool_error`.
    public func errorType(isToolCall: Bool) -> String? {
        switch self {
        case .result(let result):
            return isToolCall && result["isError"]?.boolValue == true ? "tool_error" : nil
        case .error(let code, _):
            switch code {
            case .some(-32700): return "parse_error"
            case .some(-32600): return "invalid_request"
            case .some(-32601): return "method_not_found"
            case .some(-32602): return "invalid_params"
            case .some(-32603): return "internal_error"
            case let code?: return "jsonrpc_\(code)"
            case nil: return "jsonrpc_error"
            }
        }
    }

    /// What went wrong, for the failures list: the error's message, or a tool error's first text content.
    public var failureMessage: String {
        switch self {
        case .error(_, let message): return message
        case .result(let result):
            guard case .array(let content)? = result["content"] else { return "" }
            return content.lazy.compactMap { $0["text"]?.stringValue }.first ?? ""
        }
    }
}

extension RPCMessage {
    /// The id, for a request.
    public var requestID: RPCID? {
        if case .request(let id, _, _) = self { return id }
        return nil
    }

    /// The method, for a request or a notification.
    public var method: String? {
        switch self {
        case .request(_, let method, _), .notification(let method, _): return method
        case .response, .invalid: return nil
        }
    }
}
