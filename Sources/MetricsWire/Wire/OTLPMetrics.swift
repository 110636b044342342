/// Span export over OTLP (`--otlp-endpoint`): where the spans go and how they fared. Absent when the engine
/// exports none.
public struct OTLPMetrics: Codable, Sendable, Equatable {
    /// The collector as it may be shown: scheme, host and port (never a path's query, headers or credentials).
    public var endpoint: String
    /// Spans the collector accepted.
    public var exported: Int
    /// Spans dropped because a queue was full.
    public var dropped: Int
    /// Spans lost in exports that failed (a collector down, refusing or too slow).
    public var failed: Int

    /// Export counts for `endpoint`.
    public init(endpoint: String, exported: Int = 0, dropped: Int = 0, failed: Int = 0) {
        self.endpoint = endpoint
        self.exported = exported
        self.dropped = dropped
        self.failed = failed
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint, exported, dropped, failed
    }
}

extension OTLPMetrics: WireObject {
    static let wire = WireSchema<Self>([
        .string(CodingKeys.endpoint, \.endpoint),
        .count(CodingKeys.exported, \.exported),
        .count(CodingKeys.dropped, \.dropped),
        .count(CodingKeys.failed, \.failed),
    ])
}
