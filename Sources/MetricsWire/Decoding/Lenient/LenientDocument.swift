import Foundation

/// The whole `/metrics` document read leniently.
///
/// Only a document that is clearly something else is refused (``ShapeProblem``): not an object, none of
/// the schema's fields, or one of the three compat sections of the wrong JSON type. Everything smaller is
/// an issue in the log.
struct LenientDocument: Sendable {
    private typealias Key = MetricsSnapshot.CodingKeys

    /// Why a document is not a metrics snapshot at all.
    struct ShapeProblem: Error {
        let reason: String
    }

    static let compatKeys: [MetricsSnapshot.CodingKeys] = [
        .enabled, .timestamp, .toolMetrics, .cacheMetrics, .systemMetrics,
    ]

    let snapshot: MetricsSnapshot

    init(_ value: JSONValue, context: DecodingContext) throws(ShapeProblem) {
        guard let fields = FieldReader(value, path: IssuePath(""), context: context) else {
            throw ShapeProblem(reason: "the document is \(JSONKind(value).name), not a JSON object")
        }
        let keys = fields.members.map(\.key)
        guard Self.compatKeys.contains(where: { fields.contains($0) }) else {
            let found = keys.prefix(8).map { DisplayText.sanitized($0, maxLength: 30) }.joined(separator: ", ")
            throw ShapeProblem(
                reason: "none of the fields \(Self.compatKeys.map(\.stringValue).joined(separator: ", ")) are present"
                    + (found.isEmpty ? " (the object is empty)" : "; found: \(found)")
            )
        }
        var enabled = true
        switch fields.value(Key.enabled, required: true) {
        case .bool(let value)?: enabled = value
        case let other?: fields.flag(Key.enabled, .wrongType, other.shown)
        case nil: break
        }
        // A disabled collector may send nothing else, as the Python original does.
        let sectionsRequired = enabled
        let receivedAt = context.receivedAt
        let timestamp: Double
        if sectionsRequired || fields.contains(Key.timestamp) {
            timestamp =
                fields.number(Key.timestamp, required: true, range: 1...Plausibility.maxTimestamp) ?? receivedAt
        } else {
            timestamp = receivedAt
        }
        var tools: [String: ToolMetrics]?
        if let members = try Self.section(Key.toolMetrics, in: fields, required: sectionsRequired) {
            tools = Self.entries(members) { LenientTool(name: $0, value: $1, context: context).metrics }
        }
        var caches: [String: CacheMetrics]?
        if let members = try Self.section(Key.cacheMetrics, in: fields, required: sectionsRequired) {
            caches = Self.entries(members) { LenientCache(name: $0, value: $1, context: context).metrics }
        }
        var system: LenientSystem?
        if let members = try Self.section(Key.systemMetrics, in: fields, required: sectionsRequired) {
            let path = Key.systemMetrics.stringValue
            system = FieldReader(.object(members), path: IssuePath(path), context: context).map(LenientSystem.init)
        }
        snapshot = MetricsSnapshot(
            schemaVersion: fields.count(Key.schemaVersion, required: false),
            enabled: enabled,
            timestamp: timestamp,
            engine: fields.tolerant(EngineInfo.self, Key.engine),
            toolMetrics: tools ?? [:],
            cacheMetrics: caches ?? [:],
            systemMetrics: system?.metrics
                ?? SystemMetrics(
                    activeSessions: 0,
                    concurrentRequests: 0,
                    totalRequests: 0,
                    startTime: 0,
                    uptimeSeconds: 0
                ),
            uploadMetrics: fields.tolerant(UploadMetrics.self, Key.uploadMetrics).map { Self.checked($0, fields) },
            mcp: fields.tolerant(MCPMetrics.self, Key.mcp),
            fleet: fields.tolerant(FleetMetrics.self, Key.fleet),
            otlp: fields.tolerant(OTLPMetrics.self, Key.otlp)
        )
    }

    /// A compat section's members: absent (flagged when required), or an object, else the whole
    /// document is refused — a `tool_metrics` array means a different schema, not a damaged value.
    private static func section(
        _ key: Key,
        in fields: FieldReader,
        required: Bool
    ) throws(ShapeProblem) -> [JSONMember]? {
        guard let member = fields.member(key) else {
            if required { fields.flag(key, .missing) }
            return nil
        }
        guard case .object(let members) = member.value else {
            throw ShapeProblem(reason: "\(key.stringValue) is \(JSONKind(member.value).name), expected an object")
        }
        return members
    }

    /// An object's entries read by `read`, keyed by name; an entry `read` drops (nil) is left out. The last
    /// of a repeated name wins, as `Codable`'s, even when it is dropped.
    private static func entries<Entry>(
        _ members: [JSONMember],
        _ read: (String, JSONValue) -> Entry?
    ) -> [String: Entry] {
        var result: [String: Entry] = [:]
        result.reserveCapacity(members.count)
        for member in members { result[member.key] = read(member.key, member.value) }
        return result
    }

    /// The uploader's counters with impossible values flagged and replaced by 0.
    private static func checked(_ upload: UploadMetrics, _ fields: FieldReader) -> UploadMetrics {
        var upload = upload
        func check(_ value: inout Int, _ name: String) {
            guard value < 0 || Double(value) > Plausibility.maxCount else { return }
            fields.flag(
                named: "\(Key.uploadMetrics.stringValue).\(name)",
                value < 0 ? .negative : .outOfRange,
                "\(value)"
            )
            value = 0
        }
        typealias Upload = UploadMetrics.CodingKeys
        typealias Record = UploadRecord.CodingKeys
        check(&upload.maxParallel, Upload.maxParallel.stringValue)
        check(&upload.inFlight, Upload.inFlight.stringValue)
        check(&upload.queued, Upload.queued.stringValue)
        check(&upload.completed, Upload.completed.stringValue)
        check(&upload.failed, Upload.failed.stringValue)
        check(&upload.cached, Upload.cached.stringValue)
        check(&upload.bytesSent, Upload.bytesSent.stringValue)
        for index in upload.recent.indices {
            let prefix = "\(Upload.recent.stringValue)[\(index)]."
            check(&upload.recent[index].bytesTotal, prefix + Record.bytesTotal.stringValue)
            check(&upload.recent[index].bytesSent, prefix + Record.bytesSent.stringValue)
        }
        return upload
    }
}
