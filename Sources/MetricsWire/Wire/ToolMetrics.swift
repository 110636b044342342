/// Call statistics of one tool.
///
/// The window percentiles (`p50LatencyMs` …) are computed over the last `windowSamples` calls with the
/// nearest-rank method; `lifetime` holds percentiles over every call since start, from a histogram.
public struct ToolMetrics: Codable, Sendable, Equatable {
    /// The tool's name, as recorded (sanitised).
    public var toolName: String
    /// Calls recorded since start or the last reset.
    public var totalCalls: Int
    /// Calls that succeeded.
    public var successfulCalls: Int
    /// Calls that failed.
    public var failedCalls: Int
    /// `successfulCalls / totalCalls` as a percentage, 0–100.
    public var successRate: Double
    /// Mean latency over every call, in milliseconds.
    public var avgLatencyMs: Double
    /// Median latency over the window, in milliseconds.
    public var p50LatencyMs: Double
    /// 95th percentile latency over the window, in milliseconds.
    public var p95LatencyMs: Double
    /// 99th percentile latency over the window, in milliseconds.
    public var p99LatencyMs: Double
    /// Smallest latency ever recorded, in milliseconds.
    public var minLatencyMs: Double
    /// Largest latency ever recorded, in milliseconds.
    public var maxLatencyMs: Double
    /// Failed calls by error type; a failure without a type counts as `unknown`.
    public var errorTypes: [String: Int]
    /// How many samples the window percentiles were computed over.
    public var windowSamples: Int?
    /// Percentiles over every call since start.
    public var lifetime: LifetimePercentiles?
    /// The window's latencies counted per bucket, for a histogram; absent from servers that do not send it.
    public var windowHistogram: LatencyBuckets?
    /// What took several rounds (MCP 2026-07-28 `input_required` answers, then the client's retries); absent
    /// when every call took one.
    public var rounds: CallRounds?

    /// Creates tool statistics from their parts.
    public init(
        toolName: String,
        totalCalls: Int,
        successfulCalls: Int,
        failedCalls: Int,
        successRate: Double,
        avgLatencyMs: Double,
        p50LatencyMs: Double,
        p95LatencyMs: Double,
        p99LatencyMs: Double,
        minLatencyMs: Double,
        maxLatencyMs: Double,
        errorTypes: [String: Int],
        windowSamples: Int? = nil,
        lifetime: LifetimePercentiles? = nil,
        windowHistogram: LatencyBuckets? = nil,
        rounds: CallRounds? = nil
    ) {
        self.toolName = toolName
        self.totalCalls = totalCalls
        self.successfulCalls = successfulCalls
        self.failedCalls = failedCalls
        self.successRate = successRate
        self.avgLatencyMs = avgLatencyMs
        self.p50LatencyMs = p50LatencyMs
        self.p95LatencyMs = p95LatencyMs
        self.p99LatencyMs = p99LatencyMs
        self.minLatencyMs = minLatencyMs
        self.maxLatencyMs = maxLatencyMs
        self.errorTypes = errorTypes
        self.windowSamples = windowSamples
        self.lifetime = lifetime
        self.windowHistogram = windowHistogram
        self.rounds = rounds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case toolName = "tool_name"
        case totalCalls = "total_calls"
        case successfulCalls = "successful_calls"
        case failedCalls = "failed_calls"
        case successRate = "success_rate"
        case avgLatencyMs = "avg_latency_ms"
        case p50LatencyMs = "p50_latency_ms"
        case p95LatencyMs = "p95_latency_ms"
        case p99LatencyMs = "p99_latency_ms"
        case minLatencyMs = "min_latency_ms"
        case maxLatencyMs = "max_latency_ms"
        case errorTypes = "error_types"
        case windowSamples = "window_samples"
        case lifetime
        case windowHistogram = "window_histogram"
        case rounds
    }
}

/// The rounds of a tool's (or method's) calls, when some took more than one: a call answered with
/// `resultType: "input_required"` is continued by the client's retry, and counts once, its latency the sum of
/// its rounds' own times. The time the client spent getting the user's input between rounds is kept apart.
public struct CallRounds: Codable, Sendable, Equatable {
    /// Rounds answered, over every call counted and every abandoned one (at least `total_calls`).
    public var rounds: Int
    /// Calls that took more than one round.
    public var multiRoundCalls: Int
    /// Time between a round's answer and the client's retry, summed over calls, in milliseconds.
    public var inputWaitMs: Double
    /// Calls whose retry never came (the client left, or 10 minutes passed): not counted in `total_calls`,
    /// and not a failure of the server.
    public var abandonedCalls: Int

    /// Creates round counts.
    public init(rounds: Int, multiRoundCalls: Int, inputWaitMs: Double, abandonedCalls: Int) {
        self.rounds = rounds
        self.multiRoundCalls = multiRoundCalls
        self.inputWaitMs = inputWaitMs
        self.abandonedCalls = abandonedCalls
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case rounds
        case multiRoundCalls = "multi_round_calls"
        case inputWaitMs = "input_wait_ms"
        case abandonedCalls = "abandoned_calls"
    }
}

/// Latency percentiles over a tool's whole lifetime, in milliseconds.
public struct LifetimePercentiles: Codable, Sendable, Equatable {
    /// Median.
    public var p50Ms: Double
    /// 95th percentile.
    public var p95Ms: Double
    /// 99th percentile.
    public var p99Ms: Double
    /// 99.9th percentile.
    public var p999Ms: Double

    /// Creates lifetime percentiles.
    public init(p50Ms: Double, p95Ms: Double, p99Ms: Double, p999Ms: Double) {
        self.p50Ms = p50Ms
        self.p95Ms = p95Ms
        self.p99Ms = p99Ms
        self.p999Ms = p999Ms
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case p50Ms = "p50_ms"
        case p95Ms = "p95_ms"
        case p99Ms = "p99_ms"
        case p999Ms = "p999_ms"
    }
}

extension ToolMetrics {
    /// A tool named `name` with every figure 0: what the lenient reader fills.
    static func blank(name: String) -> ToolMetrics {
        ToolMetrics(
            toolName: name,
            totalCalls: 0,
            successfulCalls: 0,
            failedCalls: 0,
            successRate: 0,
            avgLatencyMs: 0,
            p50LatencyMs: 0,
            p95LatencyMs: 0,
            p99LatencyMs: 0,
            minLatencyMs: 0,
            maxLatencyMs: 0,
            errorTypes: [:]
        )
    }
}

extension ToolMetrics: WireObject {
    static let wire = WireSchema<Self>([
        .string(CodingKeys.toolName, \.toolName),
        .count(CodingKeys.totalCalls, \.totalCalls),
        .count(CodingKeys.successfulCalls, \.successfulCalls),
        .count(CodingKeys.failedCalls, \.failedCalls),
        .percent(CodingKeys.successRate, \.successRate),
        .latency(CodingKeys.avgLatencyMs, \.avgLatencyMs),
        .latency(CodingKeys.p50LatencyMs, \.p50LatencyMs),
        .latency(CodingKeys.p95LatencyMs, \.p95LatencyMs),
        .latency(CodingKeys.p99LatencyMs, \.p99LatencyMs),
        .latency(CodingKeys.minLatencyMs, \.minLatencyMs),
        .latency(CodingKeys.maxLatencyMs, \.maxLatencyMs),
        .counts(CodingKeys.errorTypes, \.errorTypes),
        .optionalCount(CodingKeys.windowSamples, \.windowSamples),
        .object(CodingKeys.lifetime, \.lifetime, read: LifetimePercentiles.lenient),
        .object(CodingKeys.windowHistogram, \.windowHistogram, read: LatencyBuckets.lenient),
        .object(CodingKeys.rounds, \.rounds),
    ])
}

extension CallRounds: WireObject {
    static let wire = WireSchema<Self>([
        .count(CodingKeys.rounds, \.rounds),
        .count(CodingKeys.multiRoundCalls, \.multiRoundCalls),
        .number(CodingKeys.inputWaitMs, \.inputWaitMs, range: 0...Plausibility.maxSeconds * 1000),
        .count(CodingKeys.abandonedCalls, \.abandonedCalls),
    ])
}

extension LifetimePercentiles: WireObject {
    static let wire = WireSchema<Self>([
        .latency(CodingKeys.p50Ms, \.p50Ms),
        .latency(CodingKeys.p95Ms, \.p95Ms),
        .latency(CodingKeys.p99Ms, \.p99Ms),
        .latency(CodingKeys.p999Ms, \.p999Ms),
    ])
}
