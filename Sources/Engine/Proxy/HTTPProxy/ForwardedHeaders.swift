import Foundation
import HTTPTypes
import NIOHTTP1

/// Which headers an HTTP proxy passes on (RFC 9110 §7.6.1): all of them, untouched and in order, except
/// the hop-by-hop ones — those of the connection itself and any the `Connection` header names. `Host` is
/// the upstream's (servers check it against DNS rebinding); lengths and framing are the sender's own.
enum ForwardedHeaders {
    /// Hop-by-hop headers, lowercased.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization", "host", "content-length",
    ]

    /// The client's request headers to send upstream.
    static func request(_ fields: HTTPFields) -> HTTPHeaders {
        let dropped = hopByHop.union(named(in: fields[values: .connection]))
        var headers = HTTPHeaders()
        headers.reserveCapacity(fields.count)
        for field in fields where !dropped.contains(field.name.canonicalName) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        return headers
    }

    /// The upstream's response headers to send the client; `Content-Length` is kept (the body is relayed
    /// with the length the upstream announced).
    static func response(_ headers: HTTPHeaders) -> HTTPFields {
        let dropped = hopByHop.union(named(in: headers[canonicalForm: "connection"].map(String.init)))
            .subtracting(["content-length"])
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count)
        for (name, value) in headers where !dropped.contains(name.lowercased()) {
            guard let fieldName = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return fields
    }

    /// The header names listed in `Connection` values, lowercased.
    private static func named(in values: [String]) -> Set<String> {
        Set(
            values.flatMap { $0.split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                .filter { !$0.isEmpty }
        )
    }
}
