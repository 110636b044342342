import MetricsWire

/// A control call (test upload, reset) that did not succeed: what failed and what to do.
public struct ControlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case unauthorized, forbidden, notImplemented, notFound, rejected, serverError, unreachable, badResponse
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// 401: no token, or the wrong one.
        public static let unauthorized = Code(.unauthorized)
        /// 403: the token is valid but not allowed to do this.
        public static let forbidden = Code(.forbidden)
        /// 501: the server cannot do this (for example, an engine without an uploader).
        public static let notImplemented = Code(.notImplemented)
        /// 404 or 405: the server has no such control endpoint (the Python original has none).
        public static let notFound = Code(.notFound)
        /// Another 4xx: the server refused the request as made.
        public static let rejected = Code(.rejected)
        /// 5xx other than 501.
        public static let serverError = Code(.serverError)
        /// The server could not be reached or did not answer in time.
        public static let unreachable = Code(.unreachable)
        /// The server answered something that is not an HTTP answer to this call.
        public static let badResponse = Code(.badResponse)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What the call was: `POST http://127.0.0.1:9109/v1/reset`.
    public var call: String
    /// The HTTP status, when the server answered.
    public var status: Int?
    /// The server's own message from its `{"error":{"type","message"}}` body, when it sent one.
    public var serverMessage: String?
    /// What happened, in words.
    public var reason: String
    /// What to do about it.
    public var hint: String?

    /// Creates an error.
    public init(
        _ code: Code,
        call: String,
        status: Int? = nil,
        serverMessage: String? = nil,
        reason: String,
        hint: String? = nil
    ) {
        self.code = code
        self.call = call
        self.status = status
        self.serverMessage = serverMessage
        self.reason = reason
        self.hint = hint
    }

    /// One line: `POST …/v1/reset: HTTP 401, the server refused the token from …: <message>; pass --token …`.
    public var description: String {
        var text = "\(call): "
        if let status { text += "HTTP \(status), " }
        text += reason
        if let serverMessage { text += ": \(serverMessage)" }
        if let hint { text += "; \(hint)" }
        return text
    }
}
