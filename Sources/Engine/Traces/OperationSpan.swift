/// An operation an engine measured — a tool call it recorded, an upload and each of its files — as a span is
/// made of it. Nothing the caller passed (arguments, file paths) is here: only names, sizes, outcomes.
public struct OperationSpan: Sendable {
    /// The span's kind: who started the operation.
    public enum Kind: Sendable, Equatable {
        /// A call the engine answered (a tool call it measured).
        case server
        /// A request the engine made (one file sent to a Files API).
        case client
        /// Work of the engine's own (an upload of many files).
        case `internal`
    }

    /// An attribute's value.
    public enum Value: Sendable, Equatable {
        /// A string attribute.
        case string(String)
        /// An integer attribute.
        case int(Int)
        /// A floating-point attribute.
        case double(Double)
        /// A boolean attribute.
        case bool(Bool)
    }

    /// The span's name.
    public var name: String
    /// The span's kind.
    public var kind: Kind
    /// When the operation began.
    public var start: ContinuousClock.Instant
    /// When it ended.
    public var end: ContinuousClock.Instant
    /// Its attributes, by OpenTelemetry name.
    public var attributes: [String: Value]
    /// `error.type`, when the operation failed; the span's status is then ERROR.
    public var errorType: String?
    /// Parts of the operation (an upload's files): spans whose parent is this one.
    public var children: [OperationSpan]

    /// An operation named `name` from `start` to `end`; see the properties for the rest.
    public init(
        name: String,
        kind: Kind,
        start: ContinuousClock.Instant,
        end: ContinuousClock.Instant,
        attributes: [String: Value] = [:],
        errorType: String? = nil,
        children: [OperationSpan] = []
    ) {
        self.name = name
        self.kind = kind
        self.start = start
        self.end = end
        self.attributes = attributes
        self.errorType = errorType
        self.children = children
    }

    /// A tool call the engine recorded, ending now: named and attributed as the OpenTelemetry conventions for
    /// MCP name a server's `tools/call` span.
    static func toolCall(_ tool: String, latencyMs: Double, errorType: String?) -> OperationSpan {
        let end = ContinuousClock.now
        return OperationSpan(
            name: "tools/call \(tool)",
            kind: .server,
            start: end - .microseconds(Int64((latencyMs * 1000).rounded())),
            end: end,
            attributes: [
                "mcp.method.name": .string("tools/call"), "gen_ai.tool.name": .string(tool),
                "gen_ai.operation.name": .string("execute_tool"),
            ],
            errorType: errorType
        )
    }
}
