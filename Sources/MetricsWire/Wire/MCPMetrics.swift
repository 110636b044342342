/// What a proxy in front of an MCP server sees (`mcp` in the snapshot; absent for other engines).
///
/// Nothing here carries the server's arguments or environment, nor any tool's arguments: they often hold
/// secrets.
public struct MCPMetrics: Codable, Sendable, Equatable {
    /// The server watched.
    public var server: MCPServerStatus
    /// Client→server requests other than `tools/call`, per method.
    public var methodMetrics: [String: ToolMetrics]
    /// Server→client requests (`roots/list`, `sampling/createMessage`, `ping`, …), per method.
    public var serverRequestMetrics: [String: ToolMetrics]
    /// Requests awaiting an answer, oldest first, at most ``maxListed``.
    public var inFlight: [InFlightCall]
    /// How many requests await an answer in all.
    public var inFlightCount: Int
    /// The latest failed calls, newest first, at most ``maxListed``.
    public var recentFailures: [CallFailure]
    /// Tool annotations from the server's latest `tools/list`, by tool: hints, as the server claims them.
    public var toolAnnotations: [String: ToolAnnotations]
    /// Protocol violations seen and relayed unchanged, by kind (`not_json`, `oversized_line`,
    /// `invalid_message`, `unmatched_response`, `duplicate_id`, `batch`, `header_mismatch`,
    /// `unknown_request_state`, `input_required_without_state`, `invalid_result_type`,
    /// `stream_ended_abruptly`, …).
    public var protocolIssues: [String: Int]
    /// The client's requests by the protocol version they were sent under: a 2026-07-28 request's
    /// `_meta` names it; a handshake-era session's is its `initialize` answer's. Absent from older engines.
    public var requestsByVersion: [String: Int]?
    /// Long-lived streams (`subscriptions/listen`, a handshake-era GET SSE stream): never calls.
    public var streams: MCPStreams?
    /// Calls whose last round asked for the user's input and whose retry has not come yet.
    public var awaitingInput: Int?
    /// The server's tools as its latest `tools/list` gave them, their sizes and their changes; absent
    /// before the first list (and from older engines).
    public var toolSurface: ToolSurfaceMetrics?

    /// How many in-flight calls and failures are listed at most.
    public static let maxListed = 20

    /// Creates the section.
    public init(
        server: MCPServerStatus,
        methodMetrics: [String: ToolMetrics] = [:],
        serverRequestMetrics: [String: ToolMetrics] = [:],
        inFlight: [InFlightCall] = [],
        inFlightCount: Int = 0,
        recentFailures: [CallFailure] = [],
        toolAnnotations: [String: ToolAnnotations] = [:],
        protocolIssues: [String: Int] = [:],
        requestsByVersion: [String: Int]? = nil,
        streams: MCPStreams? = nil,
        awaitingInput: Int? = nil,
        toolSurface: ToolSurfaceMetrics? = nil
    ) {
        self.server = server
        self.methodMetrics = methodMetrics
        self.serverRequestMetrics = serverRequestMetrics
        self.inFlight = inFlight
        self.inFlightCount = inFlightCount
        self.recentFailures = recentFailures
        self.toolAnnotations = toolAnnotations
        self.protocolIssues = protocolIssues
        self.requestsByVersion = requestsByVersion
        self.streams = streams
        self.awaitingInput = awaitingInput
        self.toolSurface = toolSurface
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case server
        case methodMetrics = "method_metrics"
        case serverRequestMetrics = "server_request_metrics"
        case inFlight = "in_flight"
        case inFlightCount = "in_flight_count"
        case recentFailures = "recent_failures"
        case toolAnnotations = "tool_annotations"
        case protocolIssues = "protocol_issues"
        case requestsByVersion = "requests_by_version"
        case streams
        case awaitingInput = "awaiting_input"
        case toolSurface = "tool_surface"
    }
}

/// The MCP server behind a proxy: who it is and whether it runs.
public struct MCPServerStatus: Codable, Sendable, Equatable {
    /// The name the proxy was given (`--name`, else the command's base name).
    public var name: String
    /// The base name of the executable started, never its arguments.
    public var executable: String
    /// The server's process id, once started.
    public var pid: Int?
    /// Whether the server process is running.
    public var running: Bool
    /// The server's exit status once it ended, as a shell reports it (128+N for signal N).
    public var exitStatus: Int?
    /// The protocol version the server answered `initialize` with (else the one the client asked for).
    public var protocolVersion: String?
    /// The client's `clientInfo` from `initialize`.
    public var client: MCPPeerInfo?
    /// The server's `serverInfo` from its `initialize` answer (or a 2026-07-28 result's `_meta`).
    public var implementation: MCPPeerInfo?
    /// The versions the server's `server/discover` answer lists (2026-07-28 and later).
    public var supportedVersions: [String]?

    /// Creates a status.
    public init(
        name: String,
        executable: String,
        pid: Int? = nil,
        running: Bool,
        exitStatus: Int? = nil,
        protocolVersion: String? = nil,
        client: MCPPeerInfo? = nil,
        implementation: MCPPeerInfo? = nil,
        supportedVersions: [String]? = nil
    ) {
        self.name = name
        self.executable = executable
        self.pid = pid
        self.running = running
        self.exitStatus = exitStatus
        self.protocolVersion = protocolVersion
        self.client = client
        self.implementation = implementation
        self.supportedVersions = supportedVersions
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, executable, pid, running
        case exitStatus = "exit_status"
        case protocolVersion = "protocol_version"
        case client = "client_info"
        case implementation = "server_info"
        case supportedVersions = "supported_versions"
    }
}

/// A peer's `clientInfo` or `serverInfo`: name and version, as it claims them.
public struct MCPPeerInfo: Codable, Sendable, Equatable {
    /// The implementation's name.
    public var name: String
    /// Its version, if given.
    public var version: String?

    /// Creates peer info.
    public init(name: String, version: String? = nil) {
        self.name = name
        self.version = version
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, version
    }
}

/// A request awaiting its answer.
public struct InFlightCall: Codable, Sendable, Equatable {
    /// The request's JSON-RPC id, as text (a string id in quotes).
    public var id: String
    /// The method (`tools/call`, `resources/read`, …).
    public var method: String
    /// The tool, for `tools/call`.
    public var tool: String?
    /// Whether the server asked it of the client (a server→client request).
    public var fromServer: Bool
    /// How long it has been waiting, in milliseconds.
    public var elapsedMs: Double
    /// The latest `notifications/progress` value for it.
    public var progress: Double?
    /// The total that progress counts towards, if the server gave one.
    public var total: Double?
    /// The latest progress message (display-safe, truncated).
    public var message: String?
    /// Which round of a multi-round call this is (2 and up), absent for a first round.
    public var round: Int?

    /// Creates an in-flight entry.
    public init(
        id: String,
        method: String,
        tool: String? = nil,
        fromServer: Bool = false,
        elapsedMs: Double,
        progress: Double? = nil,
        total: Double? = nil,
        message: String? = nil,
        round: Int? = nil
    ) {
        self.id = id
        self.method = method
        self.tool = tool
        self.fromServer = fromServer
        self.elapsedMs = elapsedMs
        self.progress = progress
        self.total = total
        self.message = message
        self.round = round
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, method, tool, progress, total, message, round
        case fromServer = "from_server"
        case elapsedMs = "elapsed_ms"
    }
}

/// One failed request: when, what, why — never its arguments.
public struct CallFailure: Codable, Sendable, Equatable {
    /// When it ended, in seconds since 1970.
    public var time: Double
    /// The method.
    public var method: String
    /// The tool, for `tools/call`.
    public var tool: String?
    /// The error type, as counted in `error_types`.
    public var errorType: String
    /// The error's message (display-safe, truncated).
    public var message: String
    /// How long it took, in milliseconds.
    public var latencyMs: Double

    /// Creates a failure record.
    public init(
        time: Double,
        method: String,
        tool: String? = nil,
        errorType: String,
        message: String,
        latencyMs: Double
    ) {
        self.time = time
        self.method = method
        self.tool = tool
        self.errorType = errorType
        self.message = message
        self.latencyMs = latencyMs
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case time, method, tool, message
        case errorType = "error_type"
        case latencyMs = "latency_ms"
    }
}

/// A tool's annotations (MCP `ToolAnnotations`): claims by the server, shown but never trusted.
public struct ToolAnnotations: Codable, Sendable, Equatable {
    /// A human-readable title.
    public var title: String?
    /// Claims not to change its environment.
    public var readOnlyHint: Bool?
    /// Claims it may destroy or overwrite.
    public var destructiveHint: Bool?
    /// Claims repeated calls with the same arguments have no further effect.
    public var idempotentHint: Bool?
    /// Claims it reaches outside systems.
    public var openWorldHint: Bool?

    /// Creates annotations.
    public init(
        title: String? = nil,
        readOnlyHint: Bool? = nil,
        destructiveHint: Bool? = nil,
        idempotentHint: Bool? = nil,
        openWorldHint: Bool? = nil
    ) {
        self.title = title
        self.readOnlyHint = readOnlyHint
        self.destructiveHint = destructiveHint
        self.idempotentHint = idempotentHint
        self.openWorldHint = openWorldHint
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title
        case readOnlyHint = "read_only_hint"
        case destructiveHint = "destructive_hint"
        case idempotentHint = "idempotent_hint"
        case openWorldHint = "open_world_hint"
    }
}

extension MCPMetrics: WireObject {
    static let wire = WireSchema<Self>([
        .object(CodingKeys.server, \.server),
        .objects(CodingKeys.methodMetrics, \.methodMetrics),
        .objects(CodingKeys.serverRequestMetrics, \.serverRequestMetrics),
        .objects(CodingKeys.inFlight, \.inFlight),
        .count(CodingKeys.inFlightCount, \.inFlightCount),
        .objects(CodingKeys.recentFailures, \.recentFailures),
        .objects(CodingKeys.toolAnnotations, \.toolAnnotations),
        .counts(CodingKeys.protocolIssues, \.protocolIssues),
        .optionalCounts(CodingKeys.requestsByVersion, \.requestsByVersion),
        .object(CodingKeys.streams, \.streams),
        .optionalCount(CodingKeys.awaitingInput, \.awaitingInput),
        .object(CodingKeys.toolSurface, \.toolSurface),
    ])
}

extension MCPServerStatus: WireObject {
    static let wire = WireSchema<Self>([
        .string(CodingKeys.name, \.name),
        .string(CodingKeys.executable, \.executable),
        .optionalCount(CodingKeys.pid, \.pid),
        .bool(CodingKeys.running, \.running),
        WireField(
            CodingKeys.exitStatus,
            \.exitStatus,
            write: { $1.member(CodingKeys.exitStatus, $0.exitStatus) },
            // A signal's status is negative: any whole number.
            read: { status, fields in
                status.exitStatus = fields.number(CodingKeys.exitStatus, required: false, range: -255...255).map {
                    Int($0)
                }
            }
        ),
        .optionalString(CodingKeys.protocolVersion, \.protocolVersion),
        .object(CodingKeys.client, \.client),
        .object(CodingKeys.implementation, \.implementation),
        .optionalStrings(CodingKeys.supportedVersions, \.supportedVersions),
    ])
}

extension MCPPeerInfo: WireObject {
    static let wire = WireSchema<Self>([
        .string(CodingKeys.name, \.name),
        .optionalString(CodingKeys.version, \.version),
    ])
}

extension InFlightCall: WireObject {
    static let wire = WireSchema<Self>([
        .string(CodingKeys.id, \.id),
        .string(CodingKeys.method, \.method),
        .optionalString(CodingKeys.tool, \.tool),
        .bool(CodingKeys.fromServer, \.fromServer),
        .latency(CodingKeys.elapsedMs, \.elapsedMs),
        .optionalNumber(CodingKeys.progress, \.progress, range: -Plausibility.maxCount...Plausibility.maxCount),
        .optionalNumber(CodingKeys.total, \.total, range: -Plausibility.maxCount...Plausibility.maxCount),
        .optionalString(CodingKeys.message, \.message),
        .optionalCount(CodingKeys.round, \.round),
    ])
}

extension CallFailure: WireObject {
    static let wire = WireSchema<Self>([
        .number(CodingKeys.time, \.time, range: 0...Plausibility.maxTimestamp),
        .string(CodingKeys.method, \.method),
        .optionalString(CodingKeys.tool, \.tool),
        .string(CodingKeys.errorType, \.errorType),
        .string(CodingKeys.message, \.message),
        .latency(CodingKeys.latencyMs, \.latencyMs),
    ])
}

extension ToolAnnotations: WireObject {
    static let wire = WireSchema<Self>([
        .optionalString(CodingKeys.title, \.title),
        .optionalBool(CodingKeys.readOnlyHint, \.readOnlyHint),
        .optionalBool(CodingKeys.destructiveHint, \.destructiveHint),
        .optionalBool(CodingKeys.idempotentHint, \.idempotentHint),
        .optionalBool(CodingKeys.openWorldHint, \.openWorldHint),
    ])
}
