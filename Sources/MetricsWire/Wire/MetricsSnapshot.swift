/// The document served at `GET /metrics`: the engine's state at one instant.
///
/// Field names follow the Python original's JSON (snake_case, latencies in milliseconds, rates as
/// percentages 0–100 rounded to two decimals). Everything the original did not send is optional, so a
/// snapshot from the original decodes too.
public struct MetricsSnapshot: Codable, Sendable, Equatable {
    /// The schema revision of this document; absent in the Python original's output.
    public var schemaVersion: Int?
    /// Whether the engine records metrics at all; when `false`, every section is empty.
    public var enabled: Bool
    /// When the snapshot was taken, in seconds since 1970.
    public var timestamp: Double
    /// What produced this document; absent in the Python original's output.
    public var engine: EngineInfo?
    /// Per-tool call statistics, keyed by tool name.
    public var toolMetrics: [String: ToolMetrics]
    /// Per-cache counters, keyed by cache name (`semantic_cache`, `file_cache`).
    public var cacheMetrics: [String: CacheMetrics]
    /// Process-wide figures.
    public var systemMetrics: SystemMetrics
    /// The uploader's live state; absent when the engine has no uploader.
    public var uploadMetrics: UploadMetrics?
    /// What a proxy sees of the MCP server behind it; absent for other engines.
    public var mcp: MCPMetrics?
    /// The instances and window of a snapshot read from Prometheus; absent for one engine's.
    public var fleet: FleetMetrics?
    /// Span export over OTLP; absent when the engine exports none.
    public var otlp: OTLPMetrics?

    /// Creates a snapshot from its parts.
    public init(
        schemaVersion: Int? = 1,
        enabled: Bool = true,
        timestamp: Double,
        engine: EngineInfo? = nil,
        toolMetrics: [String: ToolMetrics] = [:],
        cacheMetrics: [String: CacheMetrics] = [:],
        systemMetrics: SystemMetrics,
        uploadMetrics: UploadMetrics? = nil,
        mcp: MCPMetrics? = nil,
        fleet: FleetMetrics? = nil,
        otlp: OTLPMetrics? = nil
    ) {
        self.schemaVersion = schemaVersion
        self.enabled = enabled
        self.timestamp = timestamp
        self.engine = engine
        self.toolMetrics = toolMetrics
        self.cacheMetrics = cacheMetrics
        self.systemMetrics = systemMetrics
        self.uploadMetrics = uploadMetrics
        self.mcp = mcp
        self.fleet = fleet
        self.otlp = otlp
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schemaVersion = "schema_version"
        case enabled
        case timestamp
        case engine
        case toolMetrics = "tool_metrics"
        case cacheMetrics = "cache_metrics"
        case systemMetrics = "system_metrics"
        case uploadMetrics = "upload_metrics"
        case mcp
        case fleet
        case otlp
    }
}

/// Identifies the engine that served a snapshot.
public struct EngineInfo: Codable, Sendable, Equatable {
    /// The engine's name, `dashboard-engine` for ours.
    public var name: String
    /// The engine's version string.
    public var version: String
    /// How the engine runs.
    public var mode: EngineMode
    /// Whether the demo workload is generating calls.
    public var demo: Bool
    /// `sandbox` when uploads go to the built-in Files API, else the provider's host.
    public var filesAPI: String

    /// Creates an engine description.
    public init(name: String, version: String, mode: EngineMode, demo: Bool, filesAPI: String) {
        self.name = name
        self.version = version
        self.mode = mode
        self.demo = demo
        self.filesAPI = filesAPI
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, version, mode, demo
        case filesAPI = "files_api"
    }
}

extension EngineInfo: WireObject {
    static let wire = WireSchema<Self>([
        .string(CodingKeys.name, \.name),
        .string(CodingKeys.version, \.version),
        .name(CodingKeys.mode, \.mode),
        .bool(CodingKeys.demo, \.demo),
        .string(CodingKeys.filesAPI, \.filesAPI),
    ])
}

extension MetricsSnapshot: WireObject {
    /// The document's fields. The lenient reader reads the top level itself (LenientDocument: a section of
    /// the wrong shape refuses the whole document, and a disabled collector may send nothing else), each
    /// section with its type's table.
    static let wire = WireSchema<Self>([
        .optionalCount(CodingKeys.schemaVersion, \.schemaVersion),
        .bool(CodingKeys.enabled, \.enabled),
        .number(CodingKeys.timestamp, \.timestamp, range: 1...Plausibility.maxTimestamp),
        .object(CodingKeys.engine, \.engine),
        .objects(CodingKeys.toolMetrics, \.toolMetrics),
        .objects(CodingKeys.cacheMetrics, \.cacheMetrics),
        .object(CodingKeys.systemMetrics, \.systemMetrics),
        .object(CodingKeys.uploadMetrics, \.uploadMetrics),
        .object(CodingKeys.mcp, \.mcp),
        .object(CodingKeys.fleet, \.fleet),
        .object(CodingKeys.otlp, \.otlp),
    ])
}
