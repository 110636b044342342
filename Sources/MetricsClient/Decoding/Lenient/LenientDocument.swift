import Foundation

/// The whole `/metrics` document read leniently.
///
/// Only a document that is clearly something else is refused (``ShapeProblem``): not an object, none of
/// the schema's fields, or one of the three compat sections of the wrong JSON type. Everything smaller is
/// an issue in the log.
struct LenientDocument: Decodable, Sendable {
    private typealias Key = MetricsSnapshot.CodingKeys

    /// Why a document is not a metrics snapshot at all.
    struct ShapeProblem: Error {
        let reason: String
    }

    static let compatKeys: [MetricsSnapshot.CodingKeys] = [
        .enabled, .timestamp, .toolMetrics, .cacheMetrics, .systemMetrics,
    ]
    static let receivedAtKey = CodingUserInfoKey(rawValue: "MetricsClient.receivedAt")!

    let snapshot: MetricsSnapshot

    init(from decoder: any Decoder) throws {
        guard let fields = try? FieldReader(decoder, path: "") else {
            let kind = (try? JSONKind(from: decoder))?.name ?? "not an object"
            throw ShapeProblem(reason: "the document is \(kind), not a JSON object")
        }
        let keys = fields.container.allKeys.map(\.stringValue)
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
        let receivedAt = decoder.userInfo[Self.receivedAtKey] as? Double ?? Date().timeIntervalSince1970
        let timestamp: Double
        if sectionsRequired || fields.contains(Key.timestamp) {
            timestamp =
                fields.number(Key.timestamp, required: true, range: 1...Plausibility.maxTimestamp) ?? receivedAt
        } else {
            timestamp = receivedAt
        }
        let tools = try Self.section(
            [String: LenientTool].self,
            Key.toolMetrics,
            in: fields,
            required: sectionsRequired
        )
        let caches = try Self.section(
            [String: LenientCache].self,
            Key.cacheMetrics,
            in: fields,
            required: sectionsRequired
        )
        let system = try Self.section(LenientSystem.self, Key.systemMetrics, in: fields, required: sectionsRequired)
        snapshot = MetricsSnapshot(
            schemaVersion: fields.count(Key.schemaVersion, required: false),
            enabled: enabled,
            timestamp: timestamp,
            engine: fields.tolerant(EngineInfo.self, Key.engine),
            toolMetrics: (tools ?? [:]).compactMapValues(\.metrics),
            cacheMetrics: (caches ?? [:]).compactMapValues(\.metrics),
            systemMetrics: system?.metrics
                ?? SystemMetrics(
                    activeSessions: 0,
                    concurrentRequests: 0,
                    totalRequests: 0,
                    startTime: 0,
                    uptimeSeconds: 0
                ),
            uploadMetrics: fields.tolerant(UploadMetrics.self, Key.uploadMetrics).map { Self.checked($0, fields) },
            mcp: fields.tolerant(MCPMetrics.self, Key.mcp)
        )
    }

    /// A compat section: absent (flagged when required), or of the right JSON type, else the whole
    /// document is refused — a `tool_metrics` array means a different schema, not a damaged value.
    private static func section<Value: Decodable>(
        _ type: Value.Type,
        _ key: Key,
        in fields: FieldReader,
        required: Bool
    ) throws -> Value? {
        let codingKey = AnyKey(key.stringValue)
        guard fields.container.contains(codingKey) else {
            if required { fields.flag(key, .missing) }
            return nil
        }
        do {
            return try fields.container.decode(Value.self, forKey: codingKey)
        } catch {
            let kind = (try? fields.container.decode(JSONKind.self, forKey: codingKey))?.name ?? "unreadable"
            throw ShapeProblem(reason: "\(key.stringValue) is \(kind), expected an object")
        }
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
