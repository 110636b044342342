import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import MetricsClient
import NIOCore
import Synchronization

/// Relays one upstream answer to the client chunk by chunk, as it arrives, and observes the JSON-RPC in a
/// copy of it: a JSON body once it is complete, each SSE event once the chunk that ends it was written.
struct Relay: Sendable {
    let response: HTTPClientResponse
    let exchange: Exchange
    let method: HTTPRequest.Method
    let observer: ProxyObserver
    let messageLimit: Int

    /// The client went away while the answer was being written.
    struct ClientGone: Error {
        let underlying: any Error
    }

    private var contentType: String {
        response.headers.first(name: "content-type")?.lowercased() ?? ""
    }

    func run(into writer: inout any ResponseBodyWriter) async throws {
        let isStream = self.isStream
        let isJSON = !isStream && contentType.contains("json")
        var events = SSEReader(dataLimit: messageLimit)
        let body = BodyCapture(limit: messageLimit)
        let session = exchange.session
        do {
            for try await chunk in response.body {
                var found: [SSEReader.Event] = []
                if isStream {
                    chunk.withUnsafeReadableBytes { bytes in events.read(bytes) { found.append($0) } }
                } else if isJSON {
                    body.append(chunk)
                }
                do {
                    try await writer.write(chunk)
                } catch {
                    throw ClientGone(underlying: error)
                }
                let instant = ContinuousClock.now
                for event in found { observe(event, at: instant) }
            }
        } catch let gone as ClientGone {
            // Not a cancellation (the client may resume the stream): the answer is waited for a while.
            forgetLater()
            throw gone.underlying
        } catch  where Task.isCancelled || error is CancellationError {
            // The client closed an idle stream, or the proxy is stopping: as above.
            forgetLater()
            throw error
        } catch {
            observer.fail(
                exchange.requests,
                session: session,
                errorType: "upstream_dropped",
                message: "the upstream closed the connection before answering"
            )
            observer.count("upstream_dropped")
            throw error
        }
        try await writer.finish(nil)
        let instant = ContinuousClock.now
        if isStream {
            events.finish()
            for (issue, times) in events.issues { observer.count(issue, times) }
        } else if isJSON {
            _ = body.observe(with: observer, from: .server, session: session, at: instant)
        }
        finishExchange(at: instant, stream: isStream)
    }

    /// Whether the answer is an SSE stream.
    var isStream: Bool { contentType.hasPrefix("text/event-stream") }

    /// Observes an answer read whole (a JSON body of known, small length), about to be sent.
    func observeWhole(_ body: ByteBuffer) {
        let instant = ContinuousClock.now
        if contentType.contains("json") {
            let capture = BodyCapture(limit: messageLimit)
            capture.append(body)
            _ = capture.observe(with: observer, from: .server, session: exchange.session, at: instant)
        }
        finishExchange(at: instant, stream: false)
    }

    private func observe(_ event: SSEReader.Event, at instant: ContinuousClock.Instant) {
        switch event {
        case .data(let data):
            data.withUnsafeBufferPointer { observer.serverMessage($0, session: exchange.session, at: instant) }
        case .oversized(let head, let tail):
            head.withUnsafeBufferPointer { head in
                tail.withUnsafeBufferPointer { tail in
                    _ = observer.oversizedLine(
                        from: .server,
                        session: exchange.session,
                        head: head,
                        tail: tail,
                        at: instant
                    )
                }
            }
        }
    }

    /// Requests of this exchange still waiting once the answer ended: failed when the upstream said so
    /// (an HTTP error, or JSON without their response), waited for when a stream ended without them.
    private func finishExchange(at instant: ContinuousClock.Instant, stream: Bool) {
        let status = Int(response.status.code)
        let session = exchange.session
        if !session.isEmpty, (method == .delete && (200..<300).contains(status)) || status == 404 {
            observer.sessionEnded(session, at: instant)
            return
        }
        guard !exchange.requests.isEmpty else { return }
        if !(200..<300).contains(status) {
            observer.fail(
                exchange.requests,
                session: session,
                errorType: "http_\(status)",
                message: "the upstream answered HTTP \(status) \(response.status.reasonPhrase)",
                at: instant
            )
        } else if stream {
            forgetLater()
        } else {
            observer.fail(
                exchange.requests,
                session: session,
                errorType: "no_response",
                message: "the upstream answered HTTP \(status) without a JSON-RPC response",
                at: instant
            )
        }
    }

    private func forgetLater() {
        let (observer, exchange) = (self.observer, self.exchange)
        Task {
            try? await Task.sleep(for: HTTPProxyResponder.resumePatience)
            observer.forget(exchange.requests, session: exchange.session, issue: "unanswered_after_disconnect")
        }
    }
}

/// A copy of a body for the observer: whole up to `limit`, its first and last 64 KiB beyond.
final class BodyCapture: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var tail: [UInt8] = []
        var oversized = false
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    func append(_ chunk: ByteBuffer) {
        state.withLock { state in
            chunk.withUnsafeReadableBytes { bytes in
                if !state.oversized, state.bytes.count + bytes.count <= limit {
                    state.bytes.append(contentsOf: bytes)
                    return
                }
                state.oversized = true
                if state.bytes.count < SSEReader.keptEnds {
                    state.bytes.append(contentsOf: bytes.prefix(SSEReader.keptEnds - state.bytes.count))
                }
                state.tail.append(contentsOf: bytes.suffix(SSEReader.keptEnds))
                if state.tail.count > SSEReader.keptEnds {
                    state.tail.removeFirst(state.tail.count - SSEReader.keptEnds)
                }
            }
        }
    }

    /// Gives the body to `observer` as `side`'s message; returns the ids of the requests it held.
    func observe(
        with observer: ProxyObserver,
        from side: RPCSide = .client,
        session: String,
        at instant: ContinuousClock.Instant
    ) -> [RPCID] {
        let captured = state.withLock { $0 }
        if captured.oversized {
            let head = Array(captured.bytes.prefix(SSEReader.keptEnds))
            let id = head.withUnsafeBufferPointer { head in
                captured.tail.withUnsafeBufferPointer { tail in
                    observer.oversizedLine(from: side, session: session, head: head, tail: tail, at: instant)
                }
            }
            return id.map { [$0] } ?? []
        }
        return captured.bytes.withUnsafeBufferPointer { bytes in
            switch side {
            case .client: return observer.clientMessage(bytes, session: session, at: instant).requests
            case .server:
                observer.serverMessage(bytes, session: session, at: instant)
                return []
            }
        }
    }
}
