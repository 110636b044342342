import MetricsWire

/// The W3C trace context a request carried in `params._meta` (how MCP propagates it): the caller's span,
/// which the proxy's span of the request continues.
public struct TraceParent: Sendable, Equatable {
    /// The W3C `traceparent` value: version, trace id, parent span id, flags.
    public var traceparent: String
    /// The W3C `tracestate` value, vendors' entries.
    public var tracestate: String?
    /// The W3C `baggage` value.
    public var baggage: String?

    /// Longer values are not a trace context anyone sends: they are not kept.
    static let maxLength = 512

    /// A trace context of these values, as a request's `_meta` carries them.
    public init(traceparent: String, tracestate: String? = nil, baggage: String? = nil) {
        self.traceparent = traceparent
        self.tracestate = tracestate
        self.baggage = baggage
    }

    /// The trace context in a request's `_meta`, if it carries a `traceparent`.
    public init?(meta: JSONValue?) {
        func field(_ key: String) -> String? {
            guard let text = meta?[key]?.stringValue, text.utf8.count <= Self.maxLength else { return nil }
            return text
        }
        guard let traceparent = field("traceparent") else { return nil }
        self.init(traceparent: traceparent, tracestate: field("tracestate"), baggage: field("baggage"))
    }
}

/// A progress notification a request received: an event of its span.
public struct ProgressMark: Sendable, Equatable {
    /// When the notification was relayed.
    public var instant: ContinuousClock.Instant
    /// Its `progress`, when given.
    public var progress: Double?
    /// Its `total`, when given.
    public var total: Double?
    /// Its `message`, when given.
    public var message: String?

    /// A progress notification relayed at `instant`.
    public init(instant: ContinuousClock.Instant, progress: Double?, total: Double?, message: String?) {
        self.instant = instant
        self.progress = progress
        self.total = total
        self.message = message
    }
}

/// One request the proxy saw end — or one round of a multi-round call (MCP 2026-07-28) — as a span is made
/// of it: what it was, when it began and ended, how it ended, and the caller's trace context. Nothing of its
/// arguments or result is here.
public struct RequestSpan: Sendable {
    /// `mcp.method.name`.
    public var method: String
    /// The tool or prompt the request names (`tools/call`, `prompts/get`), part of the span's name.
    public var target: String?
    /// The tool, for `tools/call`.
    public var tool: String?
    /// `jsonrpc.request.id`, as JSON text.
    public var requestID: String
    /// `mcp.session.id`; empty without one.
    public var session: String
    /// `mcp.protocol.version`, when the request or its session named one.
    public var protocolVersion: String?
    /// The server sent the request (a server→client request: sampling, elicitation, roots).
    public var fromServer: Bool
    /// When the request was relayed.
    public var start: ContinuousClock.Instant
    /// When its answer was relayed (or it otherwise ended).
    public var end: ContinuousClock.Instant
    /// `error.type`, when the request failed: the JSON-RPC error code, or `tool_error`, `cancelled`, …
    public var errorType: String?
    /// How it failed (the JSON-RPC error's message); empty when it did not.
    public var message: String
    /// The caller's span, when the request carried one.
    public var parent: TraceParent?
    /// The call this request is a round of: rounds after the first link to the first round's span.
    public var call: Int
    /// 1 for a call's first (or only) round.
    public var round: Int
    /// The call goes on: this round was answered `input_required`.
    public var asksForInput: Bool
    /// Progress notifications, at most ``maxProgressMarks``.
    public var progress: [ProgressMark]
    /// With `--otlp-payloads` only: the call's arguments and its result, as JSON cut at ``maxPayloadBytes``,
    /// secret-looking values redacted.
    public var arguments: String?
    /// With `--otlp-payloads` only: the result (see ``arguments``).
    public var result: String?

    /// At most this many progress notifications become events of a span.
    public static let maxProgressMarks = 100
    /// Arguments and results are cut at this many bytes.
    public static let maxPayloadBytes = 4096

    /// A request of `method` (about `target`, its `tool` for `tools/call`) with id `requestID`, relayed from
    /// `start` to `end`; see the properties for the rest.
    public init(
        method: String,
        target: String?,
        tool: String?,
        requestID: String,
        session: String,
        protocolVersion: String?,
        fromServer: Bool,
        start: ContinuousClock.Instant,
        end: ContinuousClock.Instant,
        errorType: String?,
        message: String,
        parent: TraceParent?,
        call: Int,
        round: Int,
        asksForInput: Bool,
        progress: [ProgressMark]
    ) {
        self.method = method
        self.target = target
        self.tool = tool
        self.requestID = requestID
        self.session = session
        self.protocolVersion = protocolVersion
        self.fromServer = fromServer
        self.start = start
        self.end = end
        self.errorType = errorType
        self.message = message
        self.parent = parent
        self.call = call
        self.round = round
        self.asksForInput = asksForInput
        self.progress = progress
    }
}

/// Where the proxy's observer hands each request span as it ends, and an engine each operation it measured
/// (called under the caller's locks: it must only queue the span).
public protocol SpanSink: Sendable {
    /// Takes one request's span, as it ended.
    func spanEnded(_ span: RequestSpan)
    /// Takes one operation's span (a tool call, an upload), as it ended.
    func operationEnded(_ span: OperationSpan)
    /// Whether spans carry the calls' arguments and results (`--otlp-payloads`).
    var wantsPayloads: Bool { get }
}

extension SpanSink {
    /// Spans carry no payloads unless a sink asks.
    public var wantsPayloads: Bool { false }
}
