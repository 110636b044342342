import Foundation
import Hummingbird

/// An error answered to an HTTP client as `{"error":{"type","message"}}`, the shape the Files API uses too.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var type: String
    var message: String

    init(_ status: HTTPResponse.Status, _ type: String, _ message: String) {
        self.status = status
        self.type = type
        self.message = message
    }

    static func notFound(_ path: String) -> APIError {
        APIError(.notFound, "not_found", "no such endpoint: \(path.prefix(200)); try GET /metrics or GET /health")
    }

    static func methodNotAllowed(
        _ method: HTTPRequest.Method,
        _ path: String,
        allowed: [HTTPRequest.Method]
    ) -> APIError {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            .methodNotAllowed,
            "method_not_allowed",
            "\(method.rawValue) is not allowed on \(path); use \(list)"
        )
    }

    var response: Response {
        Response.jsonError(status, type: type, message: message)
    }
}
