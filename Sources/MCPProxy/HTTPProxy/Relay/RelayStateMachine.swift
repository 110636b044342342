import Engine
import NIOCore
import NIOHTTP1

/// The HTTP relay of one client connection, as a state machine: its state (``State``, the upstream
/// connection's ``Upstream``, the client's bytes not relayed yet) changes only through the methods below,
/// each taking one event — bytes read, a connection opened or closed, a timeout — and returning the
/// ``RelayAction``s to perform, in order. It does no I/O and reads no clock: ``ProxyConnection`` feeds it
/// the channels' events and performs what it returns.
///
/// The relay moves bytes, not decoded messages: it reads each head in place, writes it on with only the
/// hop-by-hop fields changed (``HeadFields``), and forwards each body exactly as its sender framed it,
/// finding its end with a ``BodyReader`` — so the upstream sees each message end where the relay does.
/// Requests on a connection come one after another (HTTP/1.1; pipelined ones wait, unread, until the answer
/// before them ended), over one upstream connection that is reused between them. Each side is read only as
/// fast as the other takes what is written to it.
struct RelayStateMachine {
    /// What the machine needs to know of its proxy.
    struct Config {
        /// The `Host` header of every request sent upstream.
        let hostHeader: String
        let upstream: UpstreamURL
        let responseTimeout: Duration
        /// The largest message the observer reads whole.
        let messageLimit: Int
        /// Whether the cache may answer requests (they are then observed before they go upstream).
        let consultsCache: Bool

        /// Bodies announced up to this length are read whole before they go upstream (the cache may
        /// answer them); longer ones, and those of unknown length, are relayed as they arrive.
        static let wholeBodyLimit = 1024 * 1024
    }

    /// Where the client's connection stands.
    enum State {
        /// Between requests: the next head is awaited.
        case idle
        /// A request and its answer are being relayed.
        case exchange(RelayExchange)
        /// The client's connection is being closed.
        case closing
        /// The client's connection is closed.
        case closed
        /// Only while a method changes the exchange (the state then holds no second reference to its buffers).
        case modifying
    }

    /// The upstream connection of this client connection, counted from 1.
    enum Upstream: Equatable {
        case none
        case connecting(Int)
        case connected(Int, Link)
    }

    /// An open upstream connection.
    struct Link: Equatable {
        /// It takes what is written to it.
        var writable = true
        /// It carried a whole answer before (the upstream may have closed it as idle since).
        var reused = false
        /// Part of the current answer arrived on it.
        var answering = false
    }

    let config: Config
    // The machine's state, spread over this file and its extensions: changed only by the event methods.
    var state: State = .idle
    var upstream: Upstream = .none
    /// What waits for the connection being opened.
    var pending: [ByteBuffer] = []
    /// The client's bytes not relayed yet: a head still incomplete, or requests that came while the one
    /// before was still being answered (pipelined).
    var inbound = ByteBuffer()
    /// How far an incomplete head in `inbound` was searched for its end.
    var scanned = 0
    var quiescing = false
    var clientWritable = true
    /// What the last ``RelayAction/readClient(_:)`` said.
    private(set) var readsClient = true
    var flushesUpstream = false
    var flushesClient = false
    /// `relayClientBytes` is running (an exchange that ends inside it does not start it again).
    var relaying = false
    var exchanges = 0
    var connections = 0

    init(config: Config) {
        self.config = config
    }

    // MARK: The client's events

    /// The client sent `bytes`.
    mutating func clientRead(_ bytes: ByteBuffer) -> [RelayAction] {
        guard isOpen else { return [] }
        if inbound.readableBytes == 0 {
            inbound = bytes
        } else {
            var bytes = bytes
            inbound.writeBuffer(&bytes)
        }
        var actions: [RelayAction] = []
        relayClientBytes(&actions)
        return actions
    }

    /// The client's read ended (what was written upstream meanwhile is flushed).
    mutating func clientReadComplete() -> [RelayAction] {
        guard flushesUpstream, case .connected = upstream else { return [] }
        flushesUpstream = false
        return [.flushUpstream]
    }

    /// The client's connection takes what is written to it, or stops taking it: the upstream is read as fast.
    mutating func clientWritabilityChanged(_ writable: Bool) -> [RelayAction] {
        clientWritable = writable
        guard case .connected = upstream else { return [] }
        return [.readUpstream(writable)]
    }

    /// The proxy is stopping: the connection closes once its exchange ended.
    mutating func quiesce() -> [RelayAction] {
        quiescing = true
        guard case .idle = state else { return [] }
        state = .closing
        return [.closeClient]
    }

    /// The client's connection failed.
    mutating func clientFailed() -> [RelayAction] {
        guard isOpen else { return [] }
        state = .closing
        return [.closeClient]
    }

    /// The client's connection closed. Not a cancellation: it may resume a stream, and its requests are
    /// waited for a while.
    mutating func clientClosed() -> [RelayAction] {
        var actions: [RelayAction] = [.cancelTimeout]
        if case .exchange(let exchange) = state, !exchange.answerEnded {
            let reading: AnswerReading?
            if case .relaying(let body) = exchange.answer { reading = body.reading } else { reading = nil }
            actions.append(.observe(.clientLeft(exchange.record, reading)))
        }
        state = .closed
        inbound = ByteBuffer()
        closeUpstream(&actions)
        return actions
    }

    // MARK: Shared steps

    var isOpen: Bool {
        switch state {
        case .idle, .exchange, .modifying: true
        case .closing, .closed: false
        }
    }

    /// Whether the exchange in progress still waits for the cache's answer (``cacheAnswered(_:)``): false
    /// once the client left or the connection closed.
    var isConsultingCache: Bool {
        guard case .exchange(let exchange) = state, case .consulting = exchange.request else { return false }
        return true
    }

    /// Runs `body` on the current exchange, which is out of `state` meanwhile; it stays the state unless
    /// `body` moved the state on. False without an exchange.
    @discardableResult
    mutating func withExchange(_ body: (inout Self, inout RelayExchange) -> Void) -> Bool {
        guard case .exchange(var exchange) = state else { return false }
        state = .modifying
        body(&self, &exchange)
        if case .modifying = state { state = .exchange(exchange) }
        return true
    }

    /// Relays what the client sent, up to the end of the request being answered.
    mutating func relayClientBytes(_ actions: inout [RelayAction]) {
        relaying = true
        defer { relaying = false }
        var progress = true
        while progress, inbound.readableBytes > 0 {
            switch state {
            case .idle:
                progress = readHead(&actions)
            case .exchange:
                progress = false
                withExchange { machine, exchange in progress = machine.readBody(&exchange, &actions) }
            case .closing, .closed, .modifying:
                progress = false
            }
        }
        updateReading(&actions)
    }

    /// Reads from the client only while nothing waits in `inbound` but an incomplete head, and the upstream
    /// connection (if any) is open and takes what is written to it.
    mutating func updateReading(_ actions: inout [RelayAction]) {
        guard isOpen else { return }
        var waiting = false
        if case .exchange = state { waiting = inbound.readableBytes > 0 }
        let upstreamTakes: Bool
        switch upstream {
        case .none: upstreamTakes = true
        case .connecting: upstreamTakes = false
        case .connected(_, let link): upstreamTakes = link.writable
        }
        let reads = !waiting && upstreamTakes
        guard reads != readsClient else { return }
        readsClient = reads
        actions.append(.readClient(reads))
    }

    /// Whether the client's connection is kept after `exchange`.
    func keepsClient(_ exchange: RelayExchange) -> Bool {
        exchange.head.keepAlive && !quiescing && !exchange.closesClient
    }

    /// The exchange ended: the next request is read (or the connection closed).
    mutating func finish(_ exchange: RelayExchange, _ actions: inout [RelayAction]) {
        if exchange.timing { actions.append(.cancelTimeout) }
        guard keepsClient(exchange) else {
            close(&actions)
            return
        }
        state = .idle
        // The requests that waited (pipelined) go on now.
        if !relaying { relayClientBytes(&actions) }
        flushUpstream(&actions)
    }

    /// Closes the client's connection.
    mutating func close(_ actions: inout [RelayAction]) {
        inbound = ByteBuffer()
        state = .closing
        actions.append(.closeClient)
    }

    /// Answers the client here: with the cache's answer, or a 502/504 naming the upstream.
    mutating func answerLocally(
        _ status: HTTPResponseStatus,
        body: ByteBuffer,
        _ exchange: inout RelayExchange,
        _ actions: inout [RelayAction]
    ) {
        if exchange.timing {
            exchange.timing = false
            actions.append(.cancelTimeout)
        }
        exchange.answer = .local
        var answer = ByteBuffer()
        answer.reserveCapacity(160 + body.readableBytes)
        answer.writeString(
            "HTTP/1.\(exchange.head.minorVersion) \(status.code) \(status.reasonPhrase)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.readableBytes)\r\n"
        )
        if !keepsClient(exchange) { answer.writeStaticString("Connection: close\r\n") }
        answer.writeStaticString("\r\n")
        answer.writeImmutableBuffer(body)
        actions.append(.writeClient(answer))
        actions.append(.flushClient)
        switch exchange.request {
        case .ended:
            finish(exchange, &actions)
        case .collecting(let reader, _), .streaming(let reader, _), .draining(let reader):
            // The rest of the body is read and dropped; the upstream gets none of it.
            exchange.request = .draining(reader)
            closeUpstream(&actions)
        case .consulting:
            exchange.request = .ended(resend: nil)
            finish(exchange, &actions)
        }
    }

    /// Answers the client with `failure`, which the observer records.
    mutating func fail(_ failure: UpstreamFailure, _ exchange: inout RelayExchange, _ actions: inout [RelayAction]) {
        actions.append(.observe(.failed(exchange.record, failure)))
        answerLocally(failure.status, body: failure.body(for: exchange.record.requests), &exchange, &actions)
    }

    /// Closes the upstream connection, if any.
    mutating func closeUpstream(_ actions: inout [RelayAction]) {
        guard upstream != .none else { return }
        upstream = .none
        pending = []
        actions.append(.closeUpstream)
        // Reading may have waited for that connection to take more: the client's bytes are read again.
        updateReading(&actions)
    }

    mutating func flushUpstream(_ actions: inout [RelayAction]) {
        guard flushesUpstream else { return }
        flushesUpstream = false
        if case .connected = upstream { actions.append(.flushUpstream) }
    }
}
