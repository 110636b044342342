import Engine
import NIOCore
import NIOHTTP1

/// One request and its answer, as far as they got.
final class ProxyExchange {
    /// How the request's body goes upstream.
    enum Body {
        /// None announced.
        case none
        /// Read whole first (announced, at most `wholeBodyLimit`) into `collected`: the cache may answer it.
        case whole
        /// Relayed as it arrives, a copy of its payload kept for the observer.
        case streamed(BodyCapture)
    }

    let exchange: Exchange
    let head: RequestHead
    let body: Body
    /// The request's body so far, when it is read whole.
    var collected = ByteBuffer()
    /// Where the request's body ends among the client's bytes.
    var requestReader: BodyReader
    var requestEnded = false
    /// The client got an answer's head (the upstream's, or one made here).
    var answered = false
    var answerEnded = false
    var answer: UpstreamAnswer?
    /// The upstream's bytes of an answer head still incomplete, and how far they were searched for its end.
    var answerHead = ByteBuffer()
    var answerScanned = 0
    /// Where the answer's body ends, once its head was read.
    var answerReader: BodyReader?
    var upstreamKeepAlive = true
    /// The client's connection is closed after this answer (it ends when the upstream's connection does).
    var closesClient = false
    /// The answer is chunked and the client speaks HTTP/1.0: it gets the payload alone.
    var dechunks = false
    /// Why the exchange was answered here, when the upstream failed it.
    var failure: UpstreamFailure?
    /// Whether the request can be sent again (its body, if any, is still here).
    var resendable = false
    var resent = false
    /// Writing the request upstream failed: the upstream never got it.
    var unsent = false
    /// When the upstream must have started answering (see `ProxyConnection.startTimeout`).
    var deadline: NIODeadline?

    init(exchange: Exchange, head: RequestHead, body: Body) {
        self.exchange = exchange
        self.head = head
        self.body = body
        self.requestReader = BodyReader(head.framing)
    }

    /// Whether the request went upstream (one read whole first goes once it ended).
    var requestSent: Bool {
        if case .whole = body { return requestEnded }
        return true
    }

    /// Methods whose requests may be sent twice (RFC 9110 §9.2.2).
    static let idempotent: [HTTPMethod] = [.GET, .HEAD, .OPTIONS, .DELETE, .PUT, .TRACE]

    func cancelTimeout() {
        deadline = nil
    }
}

extension Channel {
    /// Reads from the channel only while `enabled` (called on its event loop).
    func setAutoRead(_ enabled: Bool) {
        try? syncOptions?.setOption(ChannelOptions.autoRead, value: enabled)
    }
}
