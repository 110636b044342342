/// One simulated MCP tool of the demo workload.
struct DemoTool: Sendable {
    var name: String
    /// Share of calls, relative to the other tools.
    var weight: Double
    /// Median upstream latency in milliseconds.
    var medianMs: Double
    /// Spread of the log-normal latency.
    var sigma: Double
    /// Probability that an upstream call fails.
    var errorRate: Double
    var model: String
    var temperature: Double?

    static let all: [DemoTool] = [
        DemoTool(
            name: "chat",
            weight: 35,
            medianMs: 900,
            sigma: 0.5,
            errorRate: 0.02,
            model: "kimi-k2",
            temperature: 0.3
        ),
        DemoTool(
            name: "analyze",
            weight: 14,
            medianMs: 2200,
            sigma: 0.5,
            errorRate: 0.02,
            model: "kimi-k2",
            temperature: 0.2
        ),
        DemoTool(
            name: "codereview",
            weight: 12,
            medianMs: 3000,
            sigma: 0.55,
            errorRate: 0.03,
            model: "kimi-k2",
            temperature: 0.2
        ),
        DemoTool(
            name: "debug",
            weight: 11,
            medianMs: 1600,
            sigma: 0.5,
            errorRate: 0.03,
            model: "glm-4.6",
            temperature: 0.1
        ),
        DemoTool(
            name: "thinkdeep",
            weight: 9,
            medianMs: 4500,
            sigma: 0.6,
            errorRate: 0.04,
            model: "kimi-k2-thinking",
            temperature: nil
        ),
        DemoTool(
            name: "planner",
            weight: 8,
            medianMs: 1200,
            sigma: 0.45,
            errorRate: 0.01,
            model: "glm-4.6",
            temperature: 0.5
        ),
        DemoTool(
            name: "kimi_upload_and_extract",
            weight: 7,
            medianMs: 2500,
            sigma: 0.7,
            errorRate: 0.05,
            model: "kimi-k2",
            temperature: nil
        ),
        DemoTool(
            name: "consensus",
            weight: 4,
            medianMs: 5200,
            sigma: 0.5,
            errorRate: 0.04,
            model: "kimi-k2",
            temperature: 0.7
        ),
    ]

    /// Error types of a failed upstream call, with their relative frequency.
    static let errorTypes: [(type: String, weight: Double)] = [
        ("timeout", 40), ("rate_limited", 25), ("provider_error", 25), ("invalid_request", 10),
    ]
}
