import Foundation

/// The whole `/metrics` document read leniently.
///
/// Only a document that is clearly something else is refused (``ShapeProblem``): not an object, none of
/// the schema's fields, or one of the three compat sections of the wrong JSON type. Everything smaller is
/// an issue in the log.
struct LenientDocument: Decodable, Sendable {
    /// Why a document is not a metrics snapshot at all.
    struct ShapeProblem: Error {
        let reason: String
    }

    static let compatKeys = ["enabled", "timestamp", "tool_metrics", "cache_metrics", "system_metrics"]
    static let receivedAtKey = CodingUserInfoKey(rawValue: "MetricsClient.receivedAt")!

    let snapshot: MetricsSnapshot

    init(from decoder: any Decoder) throws {
        guard let fields = try? FieldReader(decoder, path: "") else {
            let kind = (try? JSONKind(from: decoder))?.name ?? "not an object"
            throw ShapeProblem(reason: "the document is \(kind), not a JSON object")
        }
        let keys = fields.container.allKeys.map(\.stringValue)
        guard Self.compatKeys.contains(where: fields.contains) else {
            let found = keys.prefix(8).map { DisplayText.sanitized($0, maxLength: 30) }.joined(separator: ", ")
            throw ShapeProblem(
                reason: "none of the fields \(Self.compatKeys.joined(separator: ", ")) are present"
                    + (found.isEmpty ? " (the object is empty)" : "; found: \(found)")
            )
        }
        var enabled = true
        switch fields.value("enabled", required: true) {
        case .bool(let value)?: enabled = value
        case let other?: fields.flag("enabled", .wrongType, other.shown)
        case nil: break
        }
        // A disabled collector may send nothing else, as the Python original does.
        let sectionsRequired = enabled
        let receivedAt = decoder.userInfo[Self.receivedAtKey] as? Double ?? Date().timeIntervalSince1970
        let timestamp: Double
        if sectionsRequired || fields.contains("timestamp") {
            timestamp =
                fields.number("timestamp", required: true, range: 1...Plausibility.maxTimestamp) ?? receivedAt
        } else {
            timestamp = receivedAt
        }
        let tools = try Self.section([String: LenientTool].self, "tool_metrics", in: fields, required: sectionsRequired)
        let caches = try Self.section(
            [String: LenientCache].self,
            "cache_metrics",
            in: fields,
            required: sectionsRequired
        )
        let system = try Self.section(LenientSystem.self, "system_metrics", in: fields, required: sectionsRequired)
        snapshot = MetricsSnapshot(
            schemaVersion: fields.count("schema_version", required: false),
            enabled: enabled,
            timestamp: timestamp,
            engine: fields.tolerant(EngineInfo.self, "engine"),
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
            uploadMetrics: fields.tolerant(UploadMetrics.self, "upload_metrics").map { Self.checked($0, fields) }
        )
    }

    /// A compat section: absent (flagged when required), or of the right JSON type, else the whole
    /// document is refused — a `tool_metrics` array means a different schema, not a damaged value.
    private static func section<Value: Decodable>(
        _ type: Value.Type,
        _ key: String,
        in fields: FieldReader,
        required: Bool
    ) throws -> Value? {
        let codingKey = AnyKey(key)
        guard fields.container.contains(codingKey) else {
            if required { fields.flag(key, .missing) }
            return nil
        }
        do {
            return try fields.container.decode(Value.self, forKey: codingKey)
        } catch {
            let kind = (try? fields.container.decode(JSONKind.self, forKey: codingKey))?.name ?? "unreadable"
            throw ShapeProblem(reason: "\(key) is \(kind), expected an object")
        }
    }

    /// The uploader's counters with impossible values flagged and replaced by 0.
    private static func checked(_ upload: UploadMetrics, _ fields: FieldReader) -> UploadMetrics {
        var upload = upload
        func check(_ value: inout Int, _ name: String) {
            guard value < 0 || Double(value) > Plausibility.maxCount else { return }
            fields.flag("upload_metrics.\(name)", value < 0 ? .negative : .outOfRange, "\(value)")
            value = 0
        }
        check(&upload.maxParallel, "max_parallel")
        check(&upload.inFlight, "in_flight")
        check(&upload.queued, "queued")
        check(&upload.completed, "completed")
        check(&upload.failed, "failed")
        check(&upload.cached, "cached")
        check(&upload.bytesSent, "bytes_sent")
        for index in upload.recent.indices {
            check(&upload.recent[index].bytesTotal, "recent[\(index)].bytes_total")
            check(&upload.recent[index].bytesSent, "recent[\(index)].bytes_sent")
        }
        return upload
    }
}
