import Foundation
import MetricsWire

/// The last messages a proxy relayed (`--messages`, 2 000 by default), for `GET /v1/messages`: what each was,
/// and with `--capture` what it said, secret-looking values redacted. The observer appends each message as
/// it reads it and completes an answer's entry with its latency and outcome when it matches it to its
/// request.
public final class MessageLog: Sendable {
    /// The server the proxy stands in front of.
    public let server: String
    /// How many messages are kept; older ones are forgotten.
    public let capacity: Int
    /// Whether payloads are kept (`--capture`).
    public let capture: Bool
    private let ring: Guarded<Ring>
    /// How instants become times since 1970: one pair read at start.
    private let clockBase = (ContinuousClock.now, Date().timeIntervalSince1970)

    /// The default of `--messages`.
    public static let defaultCapacity = 2000
    /// At most this many entries back an answer's entry is looked for, to complete it.
    static let answerLookback = 512

    /// A log of `capacity` messages of the proxy of `server`, keeping payloads when `capture`.
    public init(server: String, capacity: Int = MessageLog.defaultCapacity, capture: Bool = false) {
        self.server = server
        self.capacity = max(1, capacity)
        self.capture = capture
        ring = Guarded(Ring(capacity: max(1, capacity)))
    }

    /// Appends a message `direction`'s peer sent, read at `instant`; `value` is the parsed message (its
    /// payload is kept when capturing).
    func append(
        _ message: RPCMessage?,
        direction: MessageDirection,
        session: String,
        bytes: Int?,
        value: JSONValue?,
        batch: Bool = false,
        at instant: ContinuousClock.Instant
    ) {
        var entry = MessageEntry(
            seq: 0,
            time: time(of: instant),
            direction: direction,
            kind: "invalid",
            session: session.isEmpty ? nil : DisplayText.singleLine(session, maxLength: 80),
            bytes: bytes
        )
        var id: RPCID?
        switch message {
        case .request(let requestID, let method, let params)?:
            entry.kind = "request"
            entry.method = DisplayText.singleLine(method, maxLength: 80)
            if method == "tools/call" {
                entry.tool = DisplayText.singleLine(ProxyObserver.toolName(params), maxLength: 80)
            }
            id = requestID
        case .notification(let method, _)?:
            entry.kind = "notification"
            entry.method = DisplayText.singleLine(method, maxLength: 80)
        case .response(let responseID, let outcome)?:
            if case .error = outcome { entry.kind = "error" } else { entry.kind = "result" }
            id = responseID
        case .invalid?, nil:
            entry.kind = batch ? "batch" : "invalid"
        }
        entry.id = id.map(Self.text)
        if bytes == nil { entry.truncated = true }
        if capture, let value {
            let (text, cut) = value.redacted(limit: MessageEntry.maxPayloadBytes)
            entry.payload = text
            if cut { entry.truncated = true }
        }
        ring.withLock { $0.append(entry, id: id) }
    }

    /// Completes the entry of the answer to `id` (a request `requester` sent in `session`): its request's
    /// method and tool, the latency, and `outcome`. Nothing when the answer is not among the last entries
    /// (the request ended otherwise: the server exited, the session ended).
    func answered(
        _ id: RPCID,
        requester: RPCSide,
        session: String,
        method: String,
        tool: String?,
        latency: Duration,
        outcome: String
    ) {
        let direction: MessageDirection = requester == .client ? .serverToClient : .clientToServer
        let session = session.isEmpty ? nil : DisplayText.singleLine(session, maxLength: 80)
        ring.withLock { ring in
            ring.update(answerTo: id, direction: direction, session: session) { entry in
                entry.method = DisplayText.singleLine(method, maxLength: 80)
                entry.tool = tool.map { DisplayText.singleLine($0, maxLength: 80) }
                entry.latencyMs = MetricsRounding.twoDecimals(latency.inMilliseconds)
                entry.outcome = outcome
            }
        }
    }

    /// The messages after `after` still kept, oldest first, at most `limit`.
    public func page(after: Int, limit: Int) -> MessagesPage {
        ring.withLock { ring in
            MessagesPage(
                server: server,
                capture: capture,
                capacity: capacity,
                last: ring.last,
                messages: ring.entries(after: after, limit: limit)
            )
        }
    }

    private func time(of instant: ContinuousClock.Instant) -> Double {
        clockBase.1 + (instant - clockBase.0).inSeconds
    }

    /// An id as JSON text: a number as written, a string quoted (at most 200 characters).
    static func text(_ id: RPCID) -> String {
        switch id {
        case .number(let text): text
        case .string(let text): JSONText.quoted(String(text.prefix(200)))
        }
    }

    /// A fixed number of entries, the oldest overwritten.
    struct Ring {
        private var slots: [(entry: MessageEntry, id: RPCID?)?]
        /// The newest entry's number (0 before the first).
        private(set) var last = 0

        init(capacity: Int) {
            slots = Array(repeating: nil, count: capacity)
        }

        mutating func append(_ entry: MessageEntry, id: RPCID?) {
            last += 1
            var entry = entry
            entry.seq = last
            slots[(last - 1) % slots.count] = (entry, id)
        }

        /// The first entry from the newest back (at most ``MessageLog/answerLookback``) that is an answer to
        /// `id` going `direction` in `session`, not completed yet, changed by `change`.
        mutating func update(
            answerTo id: RPCID,
            direction: MessageDirection,
            session: String?,
            _ change: (inout MessageEntry) -> Void
        ) {
            let oldest = max(1, last - min(slots.count, MessageLog.answerLookback) + 1)
            var seq = last
            while seq >= oldest {
                let index = (seq - 1) % slots.count
                if var slot = slots[index], slot.id == id, slot.entry.direction == direction,
                    slot.entry.session == session, slot.entry.latencyMs == nil,
                    slot.entry.kind == "result" || slot.entry.kind == "error"
                {
                    change(&slot.entry)
                    slots[index] = slot
                    return
                }
                seq -= 1
            }
        }

        func entries(after: Int, limit: Int) -> [MessageEntry] {
            let first = max(after + 1, last - slots.count + 1, 1)
            let end = min(last, first + max(0, limit) - 1)
            guard first <= end else { return [] }
            return (first...end).compactMap { slots[($0 - 1) % slots.count]?.entry }
        }
    }
}
