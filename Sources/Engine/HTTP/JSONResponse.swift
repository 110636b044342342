import Foundation
import Hummingbird

extension Response {
    /// `value` as a JSON response (sorted keys, UTF-8), the one way every engine API writes JSON bodies.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An error as the JSON body `{"error": {"type": …, "message": …}}`, the shape the engine's own API
    /// and the provider's Files API (and so the sandbox) share.
    static func jsonError(_ status: HTTPResponse.Status, type: String, message: String) -> Response {
        json(ProviderErrorBody(error: .init(type: type, message: message)), status: status)
    }
}
