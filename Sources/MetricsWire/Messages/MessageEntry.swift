/// One JSON-RPC message a proxy relayed, as `GET /v1/messages` lists it: what it was, never what it said —
/// unless the proxy runs with `--capture`, which keeps its payload with secret-looking values redacted.
public struct MessageEntry: Codable, Sendable, Equatable {
    /// Its number in the proxy's log: 1, 2, 3, … in the order the proxy saw them.
    public var seq: Int
    /// When the proxy relayed it, in seconds since 1970.
    public var time: Double
    /// Who sent it.
    public var direction: MessageDirection
    /// `request`, `notification`, `result`, `error` (a JSON-RPC error answer), `batch`, or `invalid` (not
    /// JSON, or not JSON-RPC).
    public var kind: String
    /// A request's or notification's method; an answer's request's, when the proxy saw it.
    public var method: String?
    /// The JSON-RPC id, as JSON text (`7`, `"a"`).
    public var id: String?
    /// The tool a `tools/call` (or its answer) names.
    public var tool: String?
    /// The HTTP session (`Mcp-Session-Id`) it belongs to; absent over stdio.
    public var session: String?
    /// Its size on the wire, in bytes (a line's newline aside); absent for a message longer than the proxy
    /// parses (`truncated`, no payload), whose bytes it relays without counting them.
    public var bytes: Int?
    /// For an answer: the time from its request to it.
    public var latencyMs: Double?
    /// For an answer: `ok`, or how the request failed (`tool_error`, the JSON-RPC code, …).
    public var outcome: String?
    /// With `--capture`: the message as JSON, the values of secret-looking keys replaced by `"‹redacted›"`.
    public var payload: String?
    /// The payload was cut at ``maxPayloadBytes`` (it is then not whole JSON), or the message was too long to
    /// read whole.
    public var truncated: Bool?

    /// Captured payloads are cut at this many bytes.
    public static let maxPayloadBytes = 65_536

    /// A message of `kind`, `bytes` long, that `direction`'s peer sent at `time`; see the properties.
    public init(
        seq: Int,
        time: Double,
        direction: MessageDirection,
        kind: String,
        method: String? = nil,
        id: String? = nil,
        tool: String? = nil,
        session: String? = nil,
        bytes: Int?,
        latencyMs: Double? = nil,
        outcome: String? = nil,
        payload: String? = nil,
        truncated: Bool? = nil
    ) {
        self.seq = seq
        self.time = time
        self.direction = direction
        self.kind = kind
        self.method = method
        self.id = id
        self.tool = tool
        self.session = session
        self.bytes = bytes
        self.latencyMs = latencyMs
        self.outcome = outcome
        self.payload = payload
        self.truncated = truncated
    }

    enum CodingKeys: String, CodingKey {
        case seq, time, direction, kind, method, id, tool, session, bytes
        case latencyMs = "latency_ms"
        case outcome, payload, truncated
    }
}

/// Who sent a relayed message.
public enum MessageDirection: String, Codable, Sendable, Equatable {
    /// The client (to the server): `c2s`.
    case clientToServer = "c2s"
    /// The server (to the client): `s2c`.
    case serverToClient = "s2c"
}

/// One answer of `GET /v1/messages?after=SEQ&limit=N`: the messages after `SEQ`, oldest first.
public struct MessagesPage: Codable, Sendable, Equatable {
    /// The server the proxy stands in front of.
    public var server: String
    /// Whether payloads are kept (`--capture`).
    public var capture: Bool
    /// How many messages the proxy keeps (`--messages`).
    public var capacity: Int
    /// The newest message's number: ask `after` it next time.
    public var last: Int
    /// The messages, oldest first: those after `SEQ` still kept, at most `N`.
    public var messages: [MessageEntry]

    /// A page of `messages` from the log of `server`'s proxy.
    public init(server: String, capture: Bool, capacity: Int, last: Int, messages: [MessageEntry]) {
        self.server = server
        self.capture = capture
        self.capacity = capacity
        self.last = last
        self.messages = messages
    }

    enum CodingKeys: String, CodingKey {
        case server, capture, capacity, last, messages
    }
}
