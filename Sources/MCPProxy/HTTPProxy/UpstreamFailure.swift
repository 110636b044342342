import Engine
import Foundation
import MetricsWire
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Why the upstream gave no answer, as the client is told it: a 502 or a 504 with a JSON-RPC error naming
/// the upstream, and the error type the observer records.
struct UpstreamFailure {
    let status: HTTPResponseStatus
    let errorType: String
    let message: String

    /// The upstream did not start answering within `timeout`.
    static func timedOut(_ upstream: UpstreamURL, after timeout: Duration) -> UpstreamFailure {
        UpstreamFailure(
            status: .gatewayTimeout,
            errorType: "upstream_timeout",
            message: "the upstream \(upstream.origin) did not answer within \(timeout.shortText)"
        )
    }

    /// The upstream could not be reached, or closed the connection before answering.
    static func unreachable(_ upstream: UpstreamURL, _ error: (any Error)?) -> UpstreamFailure {
        UpstreamFailure(
            status: .badGateway,
            errorType: "upstream_unreachable",
            message: "cannot reach the upstream \(upstream.origin): \(describe(error))"
        )
    }

    /// The upstream answered with something that is not an HTTP/1 head the relay can pass on.
    static func malformed(_ upstream: UpstreamURL, _ reason: String) -> UpstreamFailure {
        UpstreamFailure(
            status: .badGateway,
            errorType: "upstream_malformed",
            message: "the upstream \(upstream.origin) sent a malformed answer: \(reason)"
        )
    }

    /// The JSON-RPC error for the request `ids` (id `null` when the body held several, or none).
    func body(for ids: [RPCID]) -> ByteBuffer {
        let id = ids.count == 1 ? ids[0].jsonText : "null"
        return ByteBuffer(
            string:
                #"{"jsonrpc":"2.0","id":\#(id),"error":{"code":-32000,"message":\#(JSONText.quoted("dashboard proxy: " + message))}}"#
        )
    }

    /// A short reason for a connection failure.
    static func describe(_ error: (any Error)?) -> String {
        guard let error else { return "the connection was closed before an answer" }
        if case .connectTimeout = error as? ChannelError { return "connecting timed out" }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return "connection refused" }
        if let error = error as? NIOConnectionError {
            if error.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                return "connection refused"
            }
            if error.connectionErrors.isEmpty {
                let dns = [error.dnsAError, error.dnsAAAAError].compactMap { $0 }
                return dns.isEmpty
                    ? "no address to connect to for \(error.host)"
                    : "the host name \(error.host) did not resolve (\(dns[0]))"
            }
        }
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "its TLS certificate is not trusted by this system's trust store (CERTIFICATE_VERIFY_FAILED)"
        }
        if error is NIOSSLError { return "the TLS handshake failed (\(text.prefix(120)))" }
        return text.contains("refused") ? "connection refused" : text
    }
}
