import Foundation
import Testing

@testable import MetricsWire

/// The wire types whose fields are declared in a table (``WireSchema``): the table names every stored
/// property once and every `CodingKeys` name once, and every field, alone, goes through the table's writer
/// and lenient reader unchanged and unflagged. (`Codable` and the whole document: WireSchemaTests.)
@Suite("Wire tables: every field declared once, walked through the writer and the reader")
struct WireTableTests {
    static func walk<T: WireObject, Keys: CodingKey & CaseIterable>(
        _ value: T,
        blank: T,
        keys: Keys.Type
    ) throws -> [String] {
        var problems: [String] = []
        let stored = Mirror(reflecting: value).children.compactMap(\.label)
        let table = T.wire.fields.map(\.property)
        let names = T.wire.fields.map(\.name)
        let coded = Keys.allCases.map(\.stringValue)
        if Set(table) != Set(stored) || table.count != stored.count {
            problems.append("table \(table.sorted()) ≠ stored properties \(stored.sorted())")
        }
        if Set(names) != Set(coded) || names.count != coded.count {
            problems.append("table names \(names.sorted()) ≠ CodingKeys \(coded.sorted())")
        }
        if T.wire.sorted.map(\.name)
            != T.wire.fields.map(\.name).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        {
            problems.append("the writer's order is not by name")
        }
        for field in T.wire.fields {
            var out = JSONOutput(capacity: 256)
            out.beginObject()
            field.write(value, &out)
            out.endObject()
            guard out.bytes.count > 2 else {
                problems.append("\(field.name): the writer wrote nothing for a set value")
                continue
            }
            let body = Data(out.bytes)
            let json = try JSONParser.parse(out.bytes)
            let log = IssueLog(limit: 100)
            let context = DecodingContext(body: body, log: log, receivedAt: 0)
            let reader = try #require(FieldReader(json, path: IssuePath(""), context: context))
            var read = blank
            field.read(&read, reader)
            let written = Mirror(reflecting: value).children.first { $0.label == field.property }?.value
            let back = Mirror(reflecting: read).children.first { $0.label == field.property }?.value
            if let written, let back, !Self.same(written, back) {
                problems.append("\(field.name): wrote \(written), read back \(back)")
            } else if written == nil || back == nil {
                problems.append("\(field.name): no stored property \(field.property)")
            }
            let issues = log.result.issues
            if !issues.isEmpty { problems.append("\(field.name): flagged \(issues)") }
        }
        return problems
    }

    static let fixture = WireSchemaTests.everyField

    /// Whether two values of a stored property are equal (every wire field's type is `Equatable`).
    static func same(_ a: Any, _ b: Any) -> Bool {
        func equal<T: Equatable>(_ a: T, _ b: Any) -> Bool { a == b as? T }
        guard let a = a as? any Equatable else { return false }
        return equal(a, b)
    }

    @Test(
        "table = stored properties = CodingKeys, and each field alone is written and read back unflagged",
        arguments: [
            "cache", "system", "tool", "lifetime", "histogram", "rounds", "engine", "upload", "upload record",
            "mcp", "mcp server", "mcp peer", "in flight", "failure", "annotations", "streams", "open stream",
            "tool surface", "listed tool", "tool change", "snapshot", "fleet", "fleet cache", "fleet instance", "otlp",
        ]
    )
    func walk(_ type: String) throws {
        let tool = try #require(Self.fixture.toolMetrics["chat"])
        let blankTool = ToolMetrics.blank(name: "")
        let upload = try #require(Self.fixture.uploadMetrics)
        let problems: [String]
        switch type {
        case "cache":
            problems = try Self.walk(
                try #require(Self.fixture.cacheMetrics["semantic_cache"]),
                blank: CacheMetrics(cacheName: "", hits: 0, misses: 0),
                keys: CacheMetrics.CodingKeys.self
            )
        case "system":
            problems = try Self.walk(
                Self.fixture.systemMetrics,
                blank: SystemMetrics(
                    activeSessions: 0,
                    concurrentRequests: 0,
                    totalRequests: 0,
                    startTime: 0,
                    uptimeSeconds: 0
                ),
                keys: SystemMetrics.CodingKeys.self
            )
        case "tool":
            problems = try Self.walk(tool, blank: blankTool, keys: ToolMetrics.CodingKeys.self)
        case "lifetime":
            problems = try Self.walk(
                try #require(tool.lifetime),
                blank: LifetimePercentiles(p50Ms: 0, p95Ms: 0, p99Ms: 0, p999Ms: 0),
                keys: LifetimePercentiles.CodingKeys.self
            )
        case "histogram":
            problems = try Self.walk(
                try #require(tool.windowHistogram),
                blank: LatencyBuckets(upperBoundsMs: [], counts: []),
                keys: LatencyBuckets.CodingKeys.self
            )
        case "rounds":
            problems = try Self.walk(
                try #require(tool.rounds),
                blank: CallRounds(rounds: 0, multiRoundCalls: 0, inputWaitMs: 0, abandonedCalls: 0),
                keys: CallRounds.CodingKeys.self
            )
        case "engine":
            problems = try Self.walk(
                try #require(Self.fixture.engine),
                blank: EngineInfo(name: "", version: "", mode: .serve, demo: false, filesAPI: ""),
                keys: EngineInfo.CodingKeys.self
            )
        case "upload":
            problems = try Self.walk(
                upload,
                blank: UploadMetrics(
                    maxParallel: 0,
                    inFlight: 0,
                    queued: 0,
                    completed: 0,
                    failed: 0,
                    cached: 0,
                    bytesSent: 0,
                    recent: []
                ),
                keys: UploadMetrics.CodingKeys.self
            )
        case "mcp", "mcp server", "mcp peer", "in flight", "failure", "annotations", "streams", "open stream",
            "tool surface", "listed tool", "tool change":
            problems = try Self.walkMCP(type)
        case "snapshot":
            problems = try Self.walk(
                Self.fixture,
                blank: MetricsSnapshot(
                    enabled: false,
                    timestamp: 0,
                    toolMetrics: [:],
                    cacheMetrics: [:],
                    systemMetrics: SystemMetrics(
                        activeSessions: 0,
                        concurrentRequests: 0,
                        totalRequests: 0,
                        startTime: 0,
                        uptimeSeconds: 0
                    )
                ),
                keys: MetricsSnapshot.CodingKeys.self
            )
        case "fleet":
            let fleet = try #require(Self.fixture.fleet)
            problems = try Self.walk(
                fleet,
                blank: FleetMetrics(prometheus: "", windowSeconds: 0, scrapeIntervalSeconds: 0, queryMs: 0),
                keys: FleetMetrics.CodingKeys.self
            )
        case "otlp":
            problems = try Self.walk(
                try #require(Self.fixture.otlp),
                blank: OTLPMetrics(endpoint: ""),
                keys: OTLPMetrics.CodingKeys.self
            )
        case "fleet cache":
            problems = try Self.walk(
                try #require(Self.fixture.fleet?.cacheRates.values.first),
                blank: FleetCacheRates(hitsPerSecond: 0, missesPerSecond: 0),
                keys: FleetCacheRates.CodingKeys.self
            )
        case "fleet instance":
            problems = try Self.walk(
                try #require(Self.fixture.fleet?.instances.first),
                blank: FleetInstance(instance: "", job: "", up: false),
                keys: FleetInstance.CodingKeys.self
            )
        default:
            problems = try Self.walk(
                try #require(upload.recent.first),
                blank: UploadRecord(id: "", file: "", state: .queued, bytesTotal: 0, bytesSent: 0),
                keys: UploadRecord.CodingKeys.self
            )
        }
        #expect(problems.isEmpty, "\(type): \(problems)")
    }

    /// The MCP section's types.
    static func walkMCP(_ type: String) throws -> [String] {
        let mcp = try #require(fixture.mcp)
        let server = MCPServerStatus(name: "", executable: "", running: false)
        switch type {
        case "mcp":
            return try walk(
                mcp,
                blank: MCPMetrics(server: server, methodMetrics: [:], inFlight: [], recentFailures: []),
                keys: MCPMetrics.CodingKeys.self
            )
        case "mcp server":
            return try walk(mcp.server, blank: server, keys: MCPServerStatus.CodingKeys.self)
        case "mcp peer":
            return try walk(
                try #require(mcp.server.client),
                blank: MCPPeerInfo(name: ""),
                keys: MCPPeerInfo.CodingKeys.self
            )
        case "in flight":
            return try walk(
                try #require(mcp.inFlight.first),
                blank: InFlightCall(id: "", method: "", elapsedMs: 0),
                keys: InFlightCall.CodingKeys.self
            )
        case "failure":
            return try walk(
                try #require(mcp.recentFailures.first),
                blank: CallFailure(time: 0, method: "", errorType: "", message: "", latencyMs: 0),
                keys: CallFailure.CodingKeys.self
            )
        case "annotations":
            return try walk(
                try #require(mcp.toolAnnotations.values.first),
                blank: ToolAnnotations(),
                keys: ToolAnnotations.CodingKeys.self
            )
        case "streams":
            let streams = try #require(mcp.streams)
            return try walk(
                streams,
                blank: MCPStreams(
                    opened: 0,
                    closed: 0,
                    closedAbruptly: 0,
                    closedDurationMs: 0,
                    maxDurationMs: 0,
                    events: [:],
                    open: []
                ),
                keys: MCPStreams.CodingKeys.self
            )
        case "tool surface":
            return try walk(
                try #require(mcp.toolSurface),
                blank: ToolSurfaceMetrics(),
                keys: ToolSurfaceMetrics.CodingKeys.self
            )
        case "listed tool":
            return try walk(
                try #require(mcp.toolSurface?.tools.first),
                blank: ListedTool(name: "", bytes: 0, hash: "", since: 0),
                keys: ListedTool.CodingKeys.self
            )
        case "tool change":
            return try walk(
                try #require(mcp.toolSurface?.changes.first),
                blank: ToolSurfaceChange(seq: 0, time: 0, tool: "", change: "", risky: false),
                keys: ToolSurfaceChange.CodingKeys.self
            )
        default:
            return try walk(
                try #require(mcp.streams?.open.first),
                blank: OpenStream(kind: "", elapsedMs: 0, events: 0),
                keys: OpenStream.CodingKeys.self
            )
        }
    }

    @Test("the walk fails a table that leaves a field out")
    func missingFieldIsCaught() throws {
        /// CacheMetrics' fields, but the last, as the table of a type of its own whose stored property is
        /// a CacheMetrics: the walk must see the stored properties and the table disagree.
        struct Partial: WireObject {
            var hits: Int
            var misses: Int
            enum CodingKeys: String, CodingKey, CaseIterable {
                case hits, misses
            }
            static let wire = WireSchema<Partial>([.count(CodingKeys.hits, \.hits)])
        }
        let problems = try Self.walk(
            Partial(hits: 1, misses: 2),
            blank: Partial(hits: 0, misses: 0),
            keys: Partial.CodingKeys.self
        )
        #expect(problems.contains { $0.hasPrefix("table [\"hits\"] ≠ stored properties") }, "\(problems)")
    }
}
