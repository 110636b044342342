import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MetricsClient
import NIOCore
import NIOHTTP1
import Synchronization

/// Relays every request of an MCP client to a Streamable-HTTP server and its answer back, as they
/// arrive, while the observer reads a copy of the JSON-RPC messages inside: request bodies, JSON answers
/// and every event of an SSE answer.
///
/// Nothing here may make a call fail that would not have failed without the proxy: bytes are relayed
/// unchanged; when the upstream cannot be reached or does not answer in time, the client gets a 502 or
/// 504 with a JSON-RPC error naming the upstream.
public struct HTTPProxyResponder: HTTPResponder {
    /// The request context: nothing beyond the basics.
    public typealias Context = BasicRequestContext

    let settings: HTTPProxySettings
    let client: HTTPClient
    let observer: ProxyObserver
    let logger: Logger
    /// Bodies announced up to this length are read whole before they go upstream; longer ones, and those
    /// of unknown length, are streamed.
    static let wholeBodyLimit = 1024 * 1024
    /// How long requests whose stream ended without their answer are waited for (a client may resume the
    /// stream with `Last-Event-ID`) before they are forgotten.
    static let resumePatience: Duration = .seconds(60)
    static let sessionHeader = HTTPField.Name("Mcp-Session-Id")!
    /// Methods whose requests carry no body unless they announce a length.
    static let bodiless: Set<HTTPRequest.Method> = [.get, .head, .delete, .options, .trace, .connect]

    /// Creates a responder relaying to `settings.upstream` through `client`.
    public init(settings: HTTPProxySettings, client: HTTPClient, observer: ProxyObserver, logger: Logger) {
        self.settings = settings
        self.client = client
        self.observer = observer
        self.logger = logger
    }

    /// Relays one request.
    public func respond(to request: Request, context: Context) async throws -> Response {
        let session = request.headers[Self.sessionHeader] ?? ""
        var upstreamRequest = HTTPClientRequest(url: settings.upstream.origin + request.uri.string)
        upstreamRequest.method = HTTPMethod(rawValue: request.method.rawValue)
        upstreamRequest.headers = ForwardedHeaders.request(request.headers)
        let exchange = Exchange(session: session)

        let announced = request.headers[.contentLength].flatMap { Int($0) }
        var pump: Task<Void, Never>?
        // A body of unknown length arrived chunked (the framing headers are not among the fields here):
        // only methods that carry no body are sent without one.
        if announced == 0 || (announced == nil && Self.bodiless.contains(request.method)) {
            upstreamRequest.body = nil
        } else if let announced, announced <= Self.wholeBodyLimit {
            let body = try await request.body.collect(upTo: announced)
            let observed = body.withUnsafeReadableBytes { bytes in
                observer.clientMessage(bytes.assumingMemoryBound(to: UInt8.self), session: session, at: .now)
            }
            exchange.requests = observed.requests
            if let answer = observed.answer {
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer))
                )
            }
            upstreamRequest.body = .bytes(body)
        } else {
            let (stream, source) = RequestBody.makeStream()
            upstreamRequest.body = .stream(stream, length: announced.map { .known(Int64($0)) } ?? .unknown)
            let capture = BodyCapture(limit: settings.messageLimit)
            pump = Task { [observer] in
                do {
                    for try await chunk in request.body {
                        capture.append(chunk)
                        await source.yield(chunk)
                    }
                    source.finish()
                } catch {
                    source.finish(error)
                }
                exchange.requests = capture.observe(with: observer, session: session, at: .now)
            }
        }

        let response: HTTPClientResponse
        do {
            response = try await client.execute(upstreamRequest, deadline: .now() + settings.responseTimeout.timeAmount)
        } catch {
            await pump?.value
            return failure(error, exchange: exchange)
        }
        let relay = Relay(
            response: response,
            exchange: exchange,
            method: request.method,
            observer: observer,
            messageLimit: settings.messageLimit
        )
        let length = response.headers.first(name: "content-length").flatMap { Int($0) }
        let status = HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
        if !relay.isStream, let length, length <= Self.wholeBodyLimit {
            // A JSON answer of announced, small length is read whole and sent in one write: streaming it
            // would only add hand-offs between threads to every call.
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: length)
            } catch {
                await pump?.value
                observer.fail(
                    exchange.requests,
                    session: exchange.session,
                    errorType: "upstream_dropped",
                    message: "the upstream closed the connection before answering"
                )
                throw error
            }
            relay.observeWhole(body)
            await pump?.value
            return Response(
                status: status,
                headers: ForwardedHeaders.response(response.headers),
                body: ResponseBody(byteBuffer: body)
            )
        }
        let streamedBody = pump
        return Response(
            status: status,
            headers: ForwardedHeaders.response(response.headers),
            body: ResponseBody(contentLength: length) { writer in
                do {
                    if request.method == .get {
                        // A GET stream may stay idle for minutes: a client that closes its connection ends
                        // the relay (and the upstream stream) at once, not at the next event.
                        try await request.body.consumeWithCancellationOnInboundClose { _ in
                            try await relay.run(into: &writer)
                        }
                    } else {
                        try await relay.run(into: &writer)
                    }
                } catch {
                    await streamedBody?.value
                    throw error
                }
                await streamedBody?.value
            }
        )
    }

    /// The answer when the upstream could not be reached or did not answer in time: 502 or 504 with a
    /// JSON-RPC error for the request (id `null` when the body held several, or none).
    private func failure(_ error: any Error, exchange: Exchange) -> Response {
        let upstream = settings.upstream.origin
        let (status, type, message): (HTTPResponse.Status, String, String)
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
            (status, type, message) = (
                .gatewayTimeout, "upstream_timeout",
                "the upstream \(upstream) did not answer within \(settings.responseTimeout.shortText)"
            )
        } else {
            (status, type, message) = (
                .badGateway, "upstream_unreachable", "cannot reach the upstream \(upstream): \(Self.describe(error))"
            )
        }
        observer.fail(exchange.requests, session: exchange.session, errorType: type, message: message)
        logger.warning("\(message)")
        let id = exchange.requests.count == 1 ? exchange.requests[0].jsonText : "null"
        let body =
            #"{"jsonrpc":"2.0","id":\#(id),"error":{"code":-32000,"message":\#(JSONText.quoted("dashboard proxy: " + message))}}"#
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }

    /// A short reason for a connection failure.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connecting timed out"
            case .remoteConnectionClosed: return "the connection was closed"
            default: return "\(error)"
            }
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return "connection refused" }
        let text = "\(error)"
        return text.contains("refused") ? "connection refused" : text
    }
}

/// What one request carried, shared by the tasks that relay it.
final class Exchange: Sendable {
    let session: String
    private let ids = Mutex<[RPCID]>([])

    init(session: String) {
        self.session = session
    }

    /// The client's requests in the body.
    var requests: [RPCID] {
        get { ids.withLock { $0 } }
        set { ids.withLock { $0 = newValue } }
    }
}
