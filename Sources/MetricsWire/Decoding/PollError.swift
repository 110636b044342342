/// Why one poll of a metrics endpoint produced no snapshot: what failed, and what to do about it.
public struct PollError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, for code that reacts to it; ``PollError/reason`` is for people.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case invalidTarget = "invalid target"
            case connectionRefused = "connection refused"
            case hostNotFound = "host not found"
            case timedOut = "timed out"
            case connectionClosed = "connection closed"
            case network = "network error"
            case tls = "TLS failure"
            case notHTTP = "not HTTP"
            case httpStatus = "HTTP status"
            case redirect = "redirect not followed"
            case tooLarge = "too large"
            case notJSON = "not JSON"
            case wrongShape = "wrong shape"
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The address could not be turned into a URL.
        public static let invalidTarget = Code(.invalidTarget)
        /// Nothing listens on the port.
        public static let connectionRefused = Code(.connectionRefused)
        /// The host name did not resolve.
        public static let hostNotFound = Code(.hostNotFound)
        /// Connecting, or receiving the whole answer, took longer than the request timeout.
        public static let timedOut = Code(.timedOut)
        /// The server closed or reset the connection before the answer was complete.
        public static let connectionClosed = Code(.connectionClosed)
        /// Another network failure.
        public static let network = Code(.network)
        /// The TLS handshake failed (for example, `https://` against a plain HTTP port).
        public static let tls = Code(.tls)
        /// The server answered, but not in HTTP (for example, a TLS port asked over `http://`).
        public static let notHTTP = Code(.notHTTP)
        /// The server answered with a status other than 200.
        public static let httpStatus = Code(.httpStatus)
        /// The server answered with a redirect, which is not followed.
        public static let redirect = Code(.redirect)
        /// The answer was larger than the response cap.
        public static let tooLarge = Code(.tooLarge)
        /// The answer was not JSON (HTML, text, truncated, empty).
        public static let notJSON = Code(.notJSON)
        /// The answer was JSON, but not a metrics snapshot.
        public static let wrongShape = Code(.wrongShape)

        /// A short name: `connection refused`, `not JSON`, ….
        public var description: String { base.rawValue }

        /// Whether the server answered but with something unusable, rather than the connection failing.
        public var isIncompatible: Bool {
            switch base {
            case .notHTTP, .httpStatus, .redirect, .tooLarge, .notJSON, .wrongShape, .tls: return true
            default: return false
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, in one line, without the URL: `connection refused`.
    public var reason: String
    /// What to do about it, when there is something to say.
    public var hint: String?
    /// The URL that was polled; set by the poller.
    public var url: String?
    /// The HTTP status, for ``Code/httpStatus`` and ``Code/redirect``.
    public var httpStatus: Int?

    /// Creates an error.
    public init(_ code: Code, _ reason: String, hint: String? = nil, url: String? = nil, httpStatus: Int? = nil) {
        self.code = code
        self.reason = reason
        self.hint = hint
        self.url = url
        self.httpStatus = httpStatus
    }

    /// Whether the server answered but with something unusable, rather than the connection failing.
    public var isIncompatible: Bool { code.isIncompatible }

    /// One line: `GET http://127.0.0.1:9109/metrics: connection refused; is the engine running? …`.
    public var description: String {
        var text = url.map { "GET \($0): " } ?? ""
        text += reason
        if let hint { text += "; " + hint }
        return text
    }
}
