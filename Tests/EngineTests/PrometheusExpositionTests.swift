import Engine
import Foundation
import MetricsClient
import TestSupport
import Testing

@Suite("Prometheus exposition")
struct PrometheusExpositionTests {
    static let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs `promtool check metrics` on `text`; returns its exit status and output.
    static func check(_ text: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(promtool))
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let result = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, result)
    }

    /// Records 2000 calls over three tools (one with a name that needs escaping) and a little cache traffic.
    static func populate(_ server: RunningEndpoint) {
        var generator = SplitMix64(seed: 9)
        for index in 0..<2000 {
            let tool = ["chat", "analyze", "we\"ird\\tool\nname"][index % 3]
            let latency = Double(generator.next() % 400_000) / 100
            server.collector.record(tool: tool, latencyMs: latency, success: index % 7 != 0, errorType: "timeout")
        }
        let cache = server.collector.cache("semantic_cache")
        cache.hit()
        cache.miss()
        cache.setSize(entries: 1, bytes: 10)
    }

    @Test("Accept: text/plain and /metrics/prometheus give the text format; its _count and _sum agree with the JSON")
    func agreesWithJSON() async throws {
        try await RunningEndpoint.with { server in
            Self.populate(server)
            let byAccept = try await server.request(
                "/metrics",
                headers: [("Accept", "text/plain;version=0.0.4;q=0.9,*/*;q=0.1")]
            )
            #expect(byAccept.headers.first(name: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let openMetrics = try await server.request(
                "/metrics",
                headers: [("Accept", "application/openmetrics-text")]
            )
            #expect(openMetrics.headers.first(name: "Content-Type")?.hasPrefix("text/plain") == true)
            let byPath = try await server.request("/metrics/prometheus")
            let text = String(decoding: byPath.body, as: UTF8.self)
            #expect(text.contains("# TYPE mcp_tool_latency_seconds histogram"))

            let json = try JSONDecoder().decode(MetricsSnapshot.self, from: try await server.request("/metrics").body)
            for (name, tool) in json.toolMetrics {
                let label =
                    "tool=\"\(name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n"))\""
                let count = try #require(Self.value(text, "mcp_tool_latency_seconds_count{\(label)}"))
                let sum = try #require(Self.value(text, "mcp_tool_latency_seconds_sum{\(label)}"))
                let infinity = try #require(Self.value(text, "mcp_tool_latency_seconds_bucket{\(label),le=\"+Inf\"}"))
                #expect(Int(count) == tool.totalCalls && Int(infinity) == tool.totalCalls)
                // avg_latency_ms is rounded to 0.01 ms, so the sum agrees within count × 0.005 ms.
                #expect(
                    abs(sum * 1000 - tool.avgLatencyMs * Double(tool.totalCalls)) <= Double(tool.totalCalls) * 0.005
                        + 1e-6
                )
                let failures = try #require(Self.value(text, "mcp_tool_calls_total{\(label),outcome=\"failure\"}"))
                #expect(Int(failures) == tool.failedCalls)
            }
            #expect(Self.value(text, "mcp_cache_hits_total{cache=\"semantic_cache\"}") == 1)
        }
    }

    @Test("histogram buckets are cumulative and exact")
    func buckets() async throws {
        try await RunningEndpoint.with { server in
            for latency in [0.5, 1, 1.5, 3, 3, 70, 2000, 400_000] {
                server.collector.record(tool: "b", latencyMs: latency, success: true)
            }
            let text = String(decoding: try await server.request("/metrics/prometheus").body, as: UTF8.self)
            func bucket(_ le: String) -> Double? {
                Self.value(text, "mcp_tool_latency_seconds_bucket{tool=\"b\",le=\"\(le)\"}")
            }
            #expect(bucket("0.001") == 2)  // 0.5 and 1 (le is inclusive)
            #expect(bucket("0.0025") == 3)
            #expect(bucket("0.005") == 5)
            #expect(bucket("0.1") == 6)
            #expect(bucket("2.5") == 7)
            #expect(bucket("300") == 7)
            #expect(bucket("+Inf") == 8)
        }
    }

    // promtool comes with Debian's `prometheus` package; CI installs it and always runs this test.
    @Test(
        "the output passes promtool check metrics",
        .enabled(
            if: PrometheusExpositionTests.promtool != nil || ProcessInfo.processInfo.environment["CI"] != nil,
            "promtool is not installed"
        )
    )
    func promtoolAccepts() async throws {
        try await RunningEndpoint.with { server in
            Self.populate(server)
            let text = String(decoding: try await server.request("/metrics/prometheus").body, as: UTF8.self)
            let (status, output) = try await offThePool { try Self.check(text) }
            #expect(status == 0, "promtool: \(output)")
        }
    }

    /// The value of the sample line that starts with `series`.
    static func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
