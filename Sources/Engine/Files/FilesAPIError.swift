/// A Files API call that failed; ``description`` says what failed, with which file, and what to do.
public struct FilesAPIError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: Sendable, Equatable {
        /// The provider answered with this HTTP status and an error.
        case http(status: Int)
        /// The provider's answer was not what the API promises (HTML, empty, wrong JSON).
        case invalidResponse
        /// The connection failed or was dropped.
        case transport
        /// The call took longer than its timeout.
        case timeout
        /// The call could not be made as asked (bad URL, unreadable file).
        case invalidRequest
    }

    /// The kind of failure.
    public let code: Code
    /// The whole message.
    public let description: String
    /// For 429 and 503: how long the provider asked to wait, if it said.
    public let retryAfter: Duration?

    init(_ code: Code, _ description: String, retryAfter: Duration? = nil) {
        self.code = code
        self.description = description
        self.retryAfter = retryAfter
    }

    /// The HTTP status, for provider errors.
    public var status: Int? {
        if case .http(let status) = code { return status }
        return nil
    }

    /// Whether trying again may succeed: 429, 5xx, transport failures and timeouts; never other 4xx.
    public var isRetryable: Bool {
        switch code {
        case .http(let status): return status == 429 || status >= 500
        case .transport, .timeout: return true
        case .invalidResponse, .invalidRequest: return false
        }
    }
}
