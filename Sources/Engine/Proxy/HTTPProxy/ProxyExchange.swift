import NIOCore
import NIOHTTP1

/// One request and its answer, as far as they got.
final class ProxyExchange {
    /// How the request's body goes upstream.
    enum Body {
        /// None announced.
        case none
        /// Read whole first (announced, at most `wholeBodyLimit`): the cache may answer it.
        case whole(ByteBuffer)
        /// Relayed as it arrives, a copy kept for the observer.
        case streamed(BodyCapture)
    }

    let exchange: Exchange
    let head: HTTPRequestHead
    let upstreamHead: HTTPRequestHead
    var body: Body
    var requestEnded = false
    /// The client got an answer's head (the upstream's, or one made here).
    var answered = false
    var answerEnded = false
    var answer: UpstreamAnswer?
    var upstreamKeepAlive = true
    /// Whether the request can be sent again (its body, if any, is still here).
    var resendable = false
    var resent = false
    /// Writing the request upstream failed: the upstream never got it.
    var unsent = false
    /// When the upstream must have started answering (see `ProxyConnection.startTimeout`).
    var deadline: NIODeadline?

    init(exchange: Exchange, head: HTTPRequestHead, upstreamHead: HTTPRequestHead, body: Body) {
        self.exchange = exchange
        self.head = head
        self.upstreamHead = upstreamHead
        self.body = body
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
