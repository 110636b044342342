import Engine
import Logging
import NIOCore

/// One client connection of `dashboard proxy --http`, relaying its requests over one upstream connection
/// of its own, on the same event loop: bytes read on one side are written to the other in the same turn,
/// with no hand-off between threads.
///
/// What to do with the bytes is the ``RelayStateMachine``'s to say: this handler feeds it the events of both
/// connections and performs the ``RelayAction``s it returns (writes, flushes, connections opened and
/// closed, reading paused and resumed, the response timeout, what the observer is told).
final class ProxyConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let shared: HTTPProxyShared
    // Touched only on the connection's event loop.
    var machine: RelayStateMachine
    var context: ChannelHandlerContext?
    /// The upstream connection being opened (no channel yet) or open, by its number.
    var upstream: (number: Int, channel: (any Channel)?)?
    /// Actions returned while others were being performed: they run after them, in order.
    private var queued: [RelayAction] = []
    private var performing = false
    /// When the current read began: the instant the observer reads a request at (before it was sent).
    var eventTime = ContinuousClock.now
    /// The running response timeout: whose it is and when it passes. One timer per connection checks it and
    /// moves on to it when it is later (no timer is scheduled and cancelled per request).
    private var deadline: (exchange: Int, at: NIODeadline)?
    private var timer: Scheduled<Void>?

    init(shared: HTTPProxyShared) {
        self.shared = shared
        self.machine = RelayStateMachine(
            config: RelayStateMachine.Config(
                hostHeader: shared.hostHeader,
                upstream: shared.settings.upstream,
                responseTimeout: shared.settings.responseTimeout,
                messageLimit: shared.settings.messageLimit,
                consultsCache: shared.observer.answersCalls
            )
        )
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: The client's events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        eventTime = .now
        perform(machine.clientRead(unwrapInboundIn(data)))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        perform(machine.clientReadComplete())
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        perform(machine.clientWritabilityChanged(context.channel.isWritable))
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            perform(machine.quiesce())
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.clientClosed())
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        shared.logger.debug("client connection error", metadata: ["error": "\(error)"])
        perform(machine.clientFailed())
    }

    // MARK: The upstream's events (from `UpstreamHandler` and `HTTPProxyShared.connect`)

    func upstreamConnected(_ number: Int, channel: any Channel) {
        guard upstream?.number == number else {
            channel.close(promise: nil)
            return
        }
        upstream = (number, channel)
        perform(machine.upstreamConnected(number))
    }

    func upstreamFailedToConnect(_ number: Int, _ error: any Error) {
        guard upstream?.number == number else { return }
        upstream = nil
        perform(machine.upstreamConnectFailed(number, error))
    }

    func upstreamRead(_ number: Int, _ bytes: ByteBuffer) {
        // An answer's end may start a request that waited (pipelined): it is read now.
        eventTime = .now
        perform(machine.upstreamRead(number, bytes))
    }

    func upstreamReadComplete(_ number: Int) {
        perform(machine.upstreamReadComplete(number))
    }

    func upstreamWritabilityChanged(_ number: Int, _ writable: Bool) {
        perform(machine.upstreamWritabilityChanged(number, writable))
    }

    func upstreamClosed(_ number: Int, error: (any Error)?) {
        guard upstream?.number == number else { return }
        upstream = nil
        perform(machine.upstreamClosed(number, error: error))
    }

    // MARK: Performing

    /// Performs `actions` in order; those of events they cause (a close, a failed write, a full buffer) run
    /// after them.
    func perform(_ actions: [RelayAction]) {
        guard !actions.isEmpty else { return }
        if performing {
            queued.append(contentsOf: actions)
            return
        }
        performing = true
        defer { performing = false }
        for action in actions { perform(action) }
        while !queued.isEmpty {
            let next = queued
            queued = []
            for action in next { perform(action) }
        }
    }

    private func perform(_ action: RelayAction) {
        switch action {
        case .connectUpstream(let number):
            guard let context else { return }
            upstream = (number, nil)
            shared.connect(for: self, number: number, on: context.eventLoop)
        case .writeUpstream(let bytes, let exchange):
            guard let channel = upstream?.channel else { return }
            let promise = exchange.map { exchange in
                let promise = channel.eventLoop.makePromise(of: Void.self)
                promise.futureResult.assumeIsolated().whenFailure { [weak self] _ in
                    guard let self else { return }
                    self.perform(self.machine.upstreamWriteFailed(exchange: exchange))
                }
                return promise
            }
            channel.write(bytes, promise: promise)
        case .flushUpstream:
            upstream?.channel?.flush()
        case .closeUpstream:
            let channel = upstream?.channel
            upstream = nil
            channel?.close(promise: nil)
        case .writeClient(let bytes):
            context?.write(wrapOutboundOut(bytes), promise: nil)
        case .flushClient:
            context?.flush()
        case .closeClient:
            context?.close(promise: nil)
        case .readClient(let enabled):
            context?.channel.setAutoRead(enabled)
        case .readUpstream(let enabled):
            upstream?.channel?.setAutoRead(enabled)
        case .startTimeout(let exchange):
            let due = NIODeadline.now() + shared.settings.responseTimeout.timeAmount
            deadline = (exchange, due)
            if timer == nil { armTimer(at: due) }
        case .cancelTimeout:
            deadline = nil
        case .observe(let observation):
            observe(observation)
        }
    }

    private func armTimer(at due: NIODeadline) {
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) { [weak self] in
            guard let self else { return }
            self.timer = nil
            guard let deadline = self.deadline else { return }
            if deadline.at > .now() {
                self.armTimer(at: deadline.at)
                return
            }
            self.deadline = nil
            self.perform(self.machine.timedOut(exchange: deadline.exchange))
        }
    }
}
