import Engine
import NIOCore

/// What the relay's channel handlers do for ``RelayStateMachine``: each event it is given returns these, to
/// be performed in order.
enum RelayAction {
    /// Opens upstream connection number `n` (the writes meant for it wait in the state machine meanwhile);
    /// how it went comes back as ``RelayStateMachine/upstreamConnected(_:)`` or
    /// ``RelayStateMachine/upstreamConnectFailed(_:_:)``.
    case connectUpstream(Int)
    /// Writes to the upstream connection; with `exchange`, a failed write comes back as
    /// ``RelayStateMachine/upstreamWriteFailed(exchange:)``.
    case writeUpstream(ByteBuffer, exchange: Int?)
    case flushUpstream
    /// Closes the upstream connection; its end is not an event any more.
    case closeUpstream
    case writeClient(ByteBuffer)
    case flushClient
    /// Closes the client's connection; its end comes back as ``RelayStateMachine/clientClosed()``.
    case closeClient
    /// Reads from the client, or stops reading from it.
    case readClient(Bool)
    /// Reads from the upstream, or stops reading from it.
    case readUpstream(Bool)
    /// Starts exchange `n`'s response timeout: ``RelayStateMachine/timedOut(exchange:)`` once it passed.
    case startTimeout(Int)
    /// The running response timeout no longer counts.
    case cancelTimeout
    /// Tells the observer (or the log) what happened.
    case observe(RelayObservation)
}

/// What the observer is told of the traffic (``RelayAction/observe(_:)``).
enum RelayObservation {
    /// A request whose body is all here went upstream; with `consultsCache`, it has not: the cache's answer
    /// (or none) must come back as ``RelayStateMachine/cacheAnswered(_:)``.
    case request(Exchange, body: ByteBuffer, headers: MCPRequestHeaders?, consultsCache: Bool)
    /// A request whose body was relayed as it came ended; `capture` holds its payload.
    case streamedRequest(Exchange, BodyCapture, headers: MCPRequestHeaders?)
    /// The upstream's answer began.
    case answerBegan(Exchange, opensGetStream: Bool)
    /// These SSE events were written to the client.
    case events(Exchange, [SSEReader.Event])
    /// The answer ended, its last bytes written to the client.
    case answerEnded(Exchange, AnswerReading)
    /// The upstream closed its connection in the middle of the answer.
    case answerDropped(Exchange, isStream: Bool)
    /// The client left before the answer ended (with the answer's reading, when it began).
    case clientLeft(Exchange, AnswerReading?)
    /// The upstream failed the exchange; the client was answered with `failure`.
    case failed(Exchange, UpstreamFailure)
    /// The client's request was refused (a debug line).
    case refused(String)
    /// The upstream's answer was not framed as it said (a warning).
    case misframedAnswer
}
