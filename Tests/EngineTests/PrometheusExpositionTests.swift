import Engine
import Foundation
import MCPProxy
import MetricsClient
import MetricsWire
import TestSupport
import Testing

@Suite("Prometheus exposition")
struct PrometheusExpositionTests {
    static let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs `promtool check metrics` on `text`; returns its exit status and output. (Spawned raw with its
    /// input in a file: through Foundation's `Process` and `Pipe`, promtool once read a garbled start of the
    /// text while the suite spawned beside it.)
    static func check(_ text: String) throws -> (Int32, String) {
        let promtool = try #require(promtool)
        let file = NSTemporaryDirectory() + "exposition-\(UUID().uuidString).txt"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let outcome = try SpawnedCommand.runBlocking(
            "/bin/sh",
            ["-c", "exec \"$0\" check metrics < \"$1\"", promtool, file]
        )
        return (outcome.status, outcome.output + outcome.error)
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
            #expect(text.contains("# TYPE mcp_server_operation_duration_seconds histogram"))
            let samples = Self.samples(text)
            func total(_ suffix: String, _ tool: String, failedOnly: Bool = false) -> Double {
                samples.filter {
                    $0.name == "mcp_server_operation_duration_seconds" + suffix
                        && $0.labels["gen_ai_tool_name"] == tool && $0.labels["mcp_method_name"] == "tools/call"
                        && (!failedOnly || $0.labels["error_type"] != nil)
                        && (suffix != "_bucket" || $0.labels["le"] == "+Inf")
                }.reduce(0) { $0 + $1.value }
            }

            let json = try JSONDecoder().decode(MetricsSnapshot.self, from: try await server.request("/metrics").body)
            #expect(json.toolMetrics.count == 3)
            for (name, tool) in json.toolMetrics {
                #expect(Int(total("_count", name)) == tool.totalCalls && Int(total("_bucket", name)) == tool.totalCalls)
                // avg_latency_ms is rounded to 0.01 ms, so the sum agrees within count × 0.005 ms.
                let sum = total("_sum", name)
                #expect(
                    abs(sum * 1000 - tool.avgLatencyMs * Double(tool.totalCalls)) <= Double(tool.totalCalls) * 0.005
                        + 1e-6
                )
                #expect(Int(total("_count", name, failedOnly: true)) == tool.failedCalls)
                for (type, count) in tool.errorTypes {
                    let typed = samples.filter {
                        $0.name == "mcp_server_operation_duration_seconds_count"
                            && $0.labels["gen_ai_tool_name"] == name && $0.labels["error_type"] == type
                    }
                    #expect(typed.count == 1 && Int(typed[0].value) == count, "\(name) \(type)")
                }
            }
            #expect(Self.value(text, "dashboard_cache_hits_total{cache=\"semantic_cache\"}") == 1)
            #expect(!text.contains("mcp_tool_"), "the old names are gone")
        }
    }

    @Test("histogram buckets are cumulative and exact, split by outcome, from 0.1 ms to 300 s")
    func buckets() async throws {
        try await RunningEndpoint.with { server in
            for latency in [0.05, 0.5, 1, 1.5, 3, 3, 70, 2000, 400_000] {
                server.collector.record(tool: "b", latencyMs: latency, success: true)
            }
            server.collector.record(tool: "b", latencyMs: 4, success: false, errorType: "timeout")
            let text = String(decoding: try await server.request("/metrics/prometheus").body, as: UTF8.self)
            func bucket(_ le: String, _ error: String? = nil) -> Double? {
                let type = error.map { ",error_type=\"\($0)\"" } ?? ""
                return Self.value(
                    text,
                    "mcp_server_operation_duration_seconds_bucket{mcp_method_name=\"tools/call\",gen_ai_tool_name=\"b\"\(type),le=\"\(le)\"}"
                )
            }
            #expect(bucket("0.0001") == 1)  // 0.05 ms
            #expect(bucket("0.00025") == 1)
            #expect(bucket("0.0005") == 2)  // le is inclusive
            #expect(bucket("0.001") == 3)
            #expect(bucket("0.0025") == 4)
            #expect(bucket("0.005") == 6)
            #expect(bucket("0.1") == 7)
            #expect(bucket("2.5") == 8)
            #expect(bucket("300") == 8)
            #expect(bucket("+Inf") == 9)
            #expect(bucket("0.0025", "timeout") == 0)
            #expect(bucket("0.005", "timeout") == 1)
            #expect(bucket("+Inf", "timeout") == 1)
        }
    }

    @Test("a proxy's other MCP methods are their own series, without a tool name; the engine says what it is")
    func methods() async throws {
        try await RunningEndpoint.with { server in
            server.collector.setEngineInfo(
                EngineInfo(name: "dashboard-engine", version: "9.9", mode: .serve, demo: false, filesAPI: "none")
            )
            server.collector.method("tools/list").record(latencyMs: 2, success: true)
            server.collector.method("roots/list", fromServer: true).record(latencyMs: 2, success: true)
            let text = String(decoding: try await server.request("/metrics/prometheus").body, as: UTF8.self)
            #expect(
                Self.value(text, "mcp_server_operation_duration_seconds_count{mcp_method_name=\"tools/list\"}") == 1
            )
            #expect(!text.contains("roots/list"), "requests the server sent are not operations it served")
            let info = Self.samples(text).filter { $0.name == "dashboard_engine_info" }
            #expect(info.count == 1 && info.first?.labels["mode"] == "serve" && info.first?.value == 1)
            #expect(info.first?.labels["version"] == "9.9")
        }
    }

    @Test(
        "span export counts are one counter by outcome, in the JSON as `otlp` (the collector's host only); promtool passes"
    )
    func otlpCounts() async throws {
        try await RunningEndpoint.with { server in
            server.collector.setOTLPSource {
                OTLPMetrics(endpoint: "https://collector.example:4318", exported: 40, dropped: 2, failed: 5)
            }
            let text = String(decoding: try await server.request("/metrics/prometheus").body, as: UTF8.self)
            let spans = Self.samples(text).filter { $0.name == "dashboard_otlp_spans_total" }
            #expect(
                Dictionary(uniqueKeysWithValues: spans.map { ($0.labels["outcome"] ?? "", $0.value) })
                    == ["exported": 40, "dropped": 2, "failed": 5]
            )
            let json = try SnapshotDecoder().decode(try await server.request("/metrics").body, receivedAt: 0)
            #expect(
                json.snapshot.otlp
                    == OTLPMetrics(endpoint: "https://collector.example:4318", exported: 40, dropped: 2, failed: 5)
            )
            let (status, output) = try Self.check(text)
            #expect(status == 0, "\(output)")
        }
    }

    @Test("a proxy's rounds, requests by protocol version and streams are series of their own, and pass promtool")
    func modernEra() async throws {
        try await RunningEndpoint.with { server in
            let observer = ProxyObserver(
                collector: server.collector,
                server: MCPServerStatus(name: "s", executable: "s", running: true)
            )
            let meta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}"#
            let start = ContinuousClock.now
            let lines: [(RPCSide, String, Int)] = [
                (.client, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet",\#(meta)}}"#, 0),
                (.server, #"{"jsonrpc":"2.0","id":1,"result":{"resultType":"input_required","requestState":"x"}}"#, 2),
                (
                    .client,
                    #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"greet","requestState":"x",\#(meta)}}"#,
                    1502
                ),
                (.server, #"{"jsonrpc":"2.0","id":2,"result":{"resultType":"complete","content":[]}}"#, 1505),
                (.client, #"{"jsonrpc":"2.0","id":3,"method":"subscriptions/listen","params":{\#(meta)}}"#, 1510),
                (
                    .server,
                    #"{"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{"_meta":{"io.modelcontextprotocol/subscriptionId":3}}}"#,
                    1520
                ),
            ]
            for (side, line, ms) in lines {
                Array(line.utf8).withUnsafeBufferPointer {
                    if side == .client {
                        observer.clientLine($0, at: start + .milliseconds(ms))
                    } else {
                        observer.serverLine($0, at: start + .milliseconds(ms))
                    }
                }
            }
            let text = String(decoding: try await server.request("/metrics/prometheus").body, as: UTF8.self)
            let tool = #"{mcp_method_name="tools/call",gen_ai_tool_name="greet"}"#
            #expect(Self.value(text, "dashboard_mcp_call_rounds_total" + tool) == 2)
            #expect(Self.value(text, "dashboard_mcp_multi_round_calls_total" + tool) == 1)
            #expect(Self.value(text, "dashboard_mcp_input_wait_seconds_total" + tool) == 1.5)
            #expect(Self.value(text, "dashboard_mcp_abandoned_calls_total" + tool) == 0)
            #expect(Self.value(text, "mcp_server_operation_duration_seconds_count" + tool) == 1, "one call")
            #expect(Self.value(text, #"dashboard_mcp_requests_total{mcp_protocol_version="2026-07-28"}"#) == 3)
            #expect(Self.value(text, "dashboard_mcp_streams_open") == 1)
            #expect(
                Self.value(
                    text,
                    #"dashboard_mcp_stream_events_total{mcp_method_name="notifications/tools/list_changed"}"#
                )
                    == 1
            )
            #expect(!text.contains("subscriptions/listen"), "a stream is never an operation's latency")
            let (status, output) = try await offThePool { try Self.check(text) }
            #expect(status == 0, "promtool: \(output)")
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

    /// Every sample line: its name, labels (unescaped) and value.
    static func samples(_ text: String) -> [(name: String, labels: [String: String], value: Double)] {
        text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
                let value = Double(line[space...].dropFirst())
            else { return nil }
            let series = line[..<space]
            guard let open = series.firstIndex(of: "{") else { return (String(series), [:], value) }
            var labels: [String: String] = [:]
            var rest = series[series.index(after: open)...].dropLast()
            while let equals = rest.firstIndex(of: "=") {
                let key = String(rest[..<equals])
                var index = rest.index(equals, offsetBy: 2)
                var label = ""
                while rest[index] != "\"" {
                    if rest[index] == "\\" {
                        index = rest.index(after: index)
                        label.append(rest[index] == "n" ? "\n" : rest[index])
                    } else {
                        label.append(rest[index])
                    }
                    index = rest.index(after: index)
                }
                labels[key] = label
                rest = rest[rest.index(after: index)...].drop { $0 == "," }
            }
            return (String(series[..<open]), labels, value)
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
