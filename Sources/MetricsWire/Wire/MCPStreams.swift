/// A proxy's long-lived streams: `subscriptions/listen` requests (MCP 2026-07-28) and handshake-era GET SSE
/// streams. A stream is not a call: it never enters latency percentiles or the calls in flight.
public struct MCPStreams: Codable, Sendable, Equatable {
    /// Streams opened since start.
    public var opened: Int
    /// Streams that ended.
    public var closed: Int
    /// Of those, streams that ended without the server's closing answer (a listen stream the upstream
    /// dropped, or whose server exited while the client still listened).
    public var closedAbruptly: Int
    /// The closed streams' durations summed, in milliseconds.
    public var closedDurationMs: Double
    /// The longest a closed stream lasted, in milliseconds.
    public var maxDurationMs: Double
    /// Messages the server sent on streams, by method (`notifications/tools/list_changed`, …).
    public var events: [String: Int]
    /// How many are open now.
    public var openCount: Int
    /// The open ones, oldest first, at most ``MCPMetrics/maxListed``.
    public var open: [OpenStream]

    /// Creates stream counts.
    public init(
        opened: Int = 0,
        closed: Int = 0,
        closedAbruptly: Int = 0,
        closedDurationMs: Double = 0,
        maxDurationMs: Double = 0,
        events: [String: Int] = [:],
        openCount: Int = 0,
        open: [OpenStream] = []
    ) {
        self.opened = opened
        self.closed = closed
        self.closedAbruptly = closedAbruptly
        self.closedDurationMs = closedDurationMs
        self.maxDurationMs = maxDurationMs
        self.events = events
        self.openCount = openCount
        self.open = open
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case opened, closed, events, open
        case closedAbruptly = "closed_abruptly"
        case closedDurationMs = "closed_duration_ms"
        case maxDurationMs = "max_duration_ms"
        case openCount = "open_count"
    }
}

/// One stream open now.
public struct OpenStream: Codable, Sendable, Equatable {
    /// `subscriptions/listen`, or `GET` (a handshake-era SSE stream).
    public var kind: String
    /// The listen request's JSON-RPC id, as text; absent for a GET stream.
    public var id: String?
    /// How long it has been open, in milliseconds.
    public var elapsedMs: Double
    /// Messages the server sent on it.
    public var events: Int

    /// Creates an open stream's entry.
    public init(kind: String, id: String? = nil, elapsedMs: Double, events: Int) {
        self.kind = kind
        self.id = id
        self.elapsedMs = elapsedMs
        self.events = events
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, id, events
        case elapsedMs = "elapsed_ms"
    }
}

extension MCPStreams: WireObject {
    static let wire = WireSchema<Self>([
        .count(CodingKeys.opened, \.opened),
        .count(CodingKeys.closed, \.closed),
        .count(CodingKeys.closedAbruptly, \.closedAbruptly),
        .latency(CodingKeys.closedDurationMs, \.closedDurationMs),
        .latency(CodingKeys.maxDurationMs, \.maxDurationMs),
        .counts(CodingKeys.events, \.events),
        .count(CodingKeys.openCount, \.openCount),
        .objects(CodingKeys.open, \.open),
    ])
}

extension OpenStream: WireObject {
    static let wire = WireSchema<Self>([
        .string(CodingKeys.kind, \.kind),
        .optionalString(CodingKeys.id, \.id),
        .latency(CodingKeys.elapsedMs, \.elapsedMs),
        .count(CodingKeys.events, \.events),
    ])
}
