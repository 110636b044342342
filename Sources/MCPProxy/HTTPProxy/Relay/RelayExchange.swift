import Engine
import NIOCore
import NIOHTTP1

/// One request and its answer, as far as they got (a part of ``RelayStateMachine``'s state).
struct RelayExchange {
    /// Where the request stands.
    enum Request {
        /// Its body is read whole first (announced, at most ``RelayStateMachine/Config/wholeBodyLimit``): the
        /// cache may answer it. The bytes so far.
        case collecting(BodyReader, ByteBuffer)
        /// Its body is relayed as it arrives, a copy of its payload kept for the observer.
        case streaming(BodyReader, BodyCapture)
        /// Read whole, waiting for the cache's answer (``RelayStateMachine/cacheAnswered(_:)``).
        case consulting(ByteBuffer)
        /// Answered before its body ended: the rest is read and dropped.
        case draining(BodyReader)
        /// All of it was read, and sent unless it was answered here. `resend` holds its body when it can be
        /// sent again on a new connection (it was read whole, or had none).
        case ended(resend: ByteBuffer?)
    }

    /// Where the answer stands.
    enum Answer {
        /// No head yet: the upstream's bytes of one still incomplete, and how far they were searched.
        case awaiting(partial: ByteBuffer, scanned: Int)
        /// The head went to the client; the body is being relayed.
        case relaying(AnswerBody)
        /// Answered here (the cache's answer, or a 502/504): the client got all of it.
        case local
        /// The upstream's answer ended, or was cut short.
        case ended
    }

    /// An upstream answer whose head was relayed.
    struct AnswerBody {
        /// Where the answer's body ends.
        var reader: BodyReader
        /// What the observer reads of it.
        var reading: AnswerReading
        /// The upstream keeps its connection after this answer.
        var upstreamKeepAlive: Bool
        /// The answer is chunked and the client speaks HTTP/1.0: it gets the payload alone.
        let dechunks: Bool
    }

    /// Counts the connection's exchanges: timeouts and failed writes name theirs.
    let number: Int
    let head: RequestHead
    /// What the observer knows of the request, shared with the task that may forget it later.
    let record: Exchange
    var request: Request
    var answer: Answer = .awaiting(partial: ByteBuffer(), scanned: 0)
    /// The client's connection is closed after this answer (it ends when the upstream's connection does).
    var closesClient = false
    /// The response timeout was started (it runs once, from the first time the request went upstream).
    var timing = false
    var resent = false
    /// Writing the request upstream failed: the upstream never got it.
    var unsent = false

    /// Whether the request went upstream (one read whole first goes once it ended).
    var requestSent: Bool {
        switch request {
        case .collecting, .consulting: false
        case .streaming, .draining, .ended: true
        }
    }

    /// The request's bytes were all read.
    var requestEnded: Bool {
        if case .ended = request { return true }
        return false
    }

    /// The client got an answer's head (the upstream's, or one made here).
    var answered: Bool {
        if case .awaiting = answer { return false }
        return true
    }

    /// The client got all of an answer.
    var answerEnded: Bool {
        switch answer {
        case .local, .ended: true
        case .awaiting, .relaying: false
        }
    }

    /// Methods whose requests may be sent twice (RFC 9110 §9.2.2).
    static let idempotent: [HTTPMethod] = [.GET, .HEAD, .OPTIONS, .DELETE, .PUT, .TRACE]
}

extension Channel {
    /// Reads from the channel only while `enabled` (called on its event loop).
    func setAutoRead(_ enabled: Bool) {
        try? syncOptions?.setOption(ChannelOptions.autoRead, value: enabled)
    }
}
