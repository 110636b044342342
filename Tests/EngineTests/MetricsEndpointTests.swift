import AsyncHTTPClient
import Engine
import Foundation
import MetricsClient
import MetricsWire
import NIOHTTP1
import TestSupport
import Testing

@Suite("Metrics endpoint over HTTP")
struct MetricsEndpointTests {
    static func calls(_ count: Int, tool: String = "ingested") -> Data {
        let items = (1...count).map { index in
            let failure = index % 10 == 0
            return """
                {"tool":"\(tool)","latency_ms":\(index),"success":\(!failure)\(failure ? ",\"error_type\":\"timeout\"" : "")}
                """
        }
        return Data("[\(items.joined(separator: ","))]".utf8)
    }

    @Test("GET /metrics is the snapshot JSON (README, HTTP API), with the Python original's compat names exactly")
    func metricsJSON() async throws {
        try await RunningEndpoint.with { server in
            server.collector.record(tool: "chat", latencyMs: 12, success: false, errorType: "timeout")
            server.collector.cache("semantic_cache").hit()
            let response = try await server.request("/metrics?verbose=1")
            #expect(response.status == 200)
            #expect(response.headers.first(name: "Content-Type") == "application/json; charset=utf-8")
            #expect(response.headers.first(name: "Access-Control-Allow-Origin") == nil)
            let snapshot = try JSONDecoder().decode(MetricsSnapshot.self, from: response.body)
            #expect(snapshot.toolMetrics["chat"]?.errorTypes == ["timeout": 1])

            let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
            for key in ["enabled", "timestamp", "tool_metrics", "cache_metrics", "system_metrics"] {
                #expect(object[key] != nil, "missing \(key)")
            }
            let tool = try #require((object["tool_metrics"] as? [String: Any])?["chat"] as? [String: Any])
            let toolKeys = [
                "tool_name", "total_calls", "successful_calls", "failed_calls", "success_rate", "avg_latency_ms",
                "p50_latency_ms", "p95_latency_ms", "p99_latency_ms", "min_latency_ms", "max_latency_ms", "error_types",
            ]
            #expect(Set(toolKeys).isSubset(of: Set(tool.keys)))
            let cache = try #require((object["cache_metrics"] as? [String: Any])?["semantic_cache"] as? [String: Any])
            let cacheKeys = [
                "cache_name", "hits", "misses", "total_requests", "hit_rate", "evictions", "size_rejections",
            ]
            #expect(Set(cacheKeys).isSubset(of: Set(cache.keys)))
            let system = try #require(object["system_metrics"] as? [String: Any])
            let systemKeys = [
                "active_sessions", "concurrent_requests", "total_requests", "start_time", "uptime_seconds",
                "uptime_hours",
            ]
            #expect(Set(systemKeys).isSubset(of: Set(system.keys)))
        }
    }

    @Test("HEAD /metrics answers 200 without a body")
    func head() async throws {
        try await RunningEndpoint.with { server in
            let response = try await server.request("/metrics", method: .HEAD)
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
        }
    }

    @Test("1000 ingested calls with known latencies read back with the right counts and percentiles")
    func ingest() async throws {
        try await RunningEndpoint.with { server in
            let posted = try await server.request(
                "/v1/tool-calls",
                method: .POST,
                body: Self.calls(1000),
                token: RunningEndpoint.token
            )
            #expect(posted.status == 200)
            #expect(String(decoding: posted.body, as: UTF8.self) == #"{"recorded":1000}"#)
            let metrics = try #require(server.collector.toolMetrics("ingested"))
            #expect(metrics.totalCalls == 1000 && metrics.failedCalls == 100 && metrics.successRate == 90)
            #expect(metrics.errorTypes == ["timeout": 100])
            // Latencies 1…1000 ms: nearest rank gives exactly the rank.
            #expect(metrics.p50LatencyMs == 500 && metrics.p95LatencyMs == 950 && metrics.p99LatencyMs == 990)
            #expect(metrics.minLatencyMs == 1 && metrics.maxLatencyMs == 1000 && metrics.avgLatencyMs == 500.5)
        }
    }

    @Test("the control API refuses a missing or wrong token with 401 and records nothing")
    func unauthorized() async throws {
        try await RunningEndpoint.with { server in
            for token in [nil, "wrong", RunningEndpoint.token + "x", ""] as [String?] {
                for path in ["/v1/tool-calls", "/v1/reset", "/v1/uploads/test"] {
                    let response = try await server.request(path, method: .POST, body: Self.calls(1), token: token)
                    #expect(response.status == 401, "\(path) with \(token ?? "no token")")
                    #expect(RunningEndpoint.error(response.body)?.type == "unauthorized")
                }
            }
            let basic = try await server.request(
                "/v1/tool-calls",
                method: .POST,
                headers: [("Authorization", "Basic \(RunningEndpoint.token)")],
                body: Self.calls(1)
            )
            #expect(basic.status == 401)
            #expect(server.collector.toolMetrics("ingested") == nil)
        }
    }

    @Test("bad requests get 404, 405, 413 and 400 with JSON bodies that say what is wrong")
    func badRequests() async throws {
        try await RunningEndpoint.with { server in
            let token = RunningEndpoint.token

            let missing = try await server.request("/nope")
            #expect(missing.status == 404 && RunningEndpoint.error(missing.body)?.message.contains("/nope") == true)

            let wrongMethod = try await server.request("/metrics", method: .POST, body: Data("{}".utf8))
            #expect(
                wrongMethod.status == 405 && RunningEndpoint.error(wrongMethod.body)?.message.contains("GET") == true
            )
            let getControl = try await server.request("/v1/reset")
            #expect(getControl.status == 405)

            let huge = Data(repeating: UInt8(ascii: " "), count: 5 * 1_048_576)
            let tooLarge = try await server.request("/v1/tool-calls", method: .POST, body: huge, token: token)
            #expect(tooLarge.status == 413 && RunningEndpoint.error(tooLarge.body)?.type == "body_too_large")

            let cases: [(String, String)] = [
                ("[{\"tool\": \"a\", \"latency_ms\": 1, \"success\": tru", "malformed JSON"),
                ("[{\"tool\": \"a\",\n \"latency_ms\": 1, \"success\": tru", "around line 2, column"),
                (
                    "[{\"tool\": \"a\", \"latency_ms\": \"fast\", \"success\": true}]",
                    "body[0].latency_ms has the wrong type"
                ),
                ("[{\"tool\": \"a\", \"success\": true}]", "missing the field \"latency_ms\""),
                ("{\"tool\": \"a\"}", "wrong type"),
                ("[{\"tool\": \"a\", \"latency_ms\": NaN, \"success\": true}]", "malformed JSON"),
                (
                    "[{\"tool\": \"a\", \"latency_ms\": -5, \"success\": true}]",
                    "calls[0].latency_ms must be a finite number"
                ),
                (
                    "[{\"tool\": \"a\", \"latency_ms\": 1, \"success\": true}, {\"tool\": \"a\", \"latency_ms\": 1e400, \"success\": true}]",
                    "malformed JSON"
                ),
            ]
            for (body, message) in cases {
                let response = try await server.request(
                    "/v1/tool-calls",
                    method: .POST,
                    body: Data(body.utf8),
                    token: token
                )
                let error = RunningEndpoint.error(response.body)
                #expect(response.status == 400, "\(body)")
                #expect(error?.message.contains(message) == true, "\(body) → \(error?.message ?? "no error body")")
            }
            let tooMany = try await server.request(
                "/v1/tool-calls",
                method: .POST,
                body: Self.calls(10_001),
                token: token
            )
            #expect(tooMany.status == 400 && RunningEndpoint.error(tooMany.body)?.message.contains("10001") == true)
            // Nothing from any refused request was recorded.
            #expect(server.collector.snapshot(maxAge: .zero).toolMetrics.isEmpty)
            // And the server keeps serving.
            #expect(try await server.request("/metrics").status == 200)
        }
    }

    @Test("/health checks something real and turns 503 when it fails, answering from the last run meanwhile")
    func health() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let collector = MetricsCollector()
        let cache = try FileIDCache(
            // Not replaced while the test looks (a loaded machine once took over the 1 s to ask again).
            configuration: FileCacheConfiguration(
                path: directory.file("ids.sqlite"),
                reopenCheckInterval: .seconds(3600)
            ),
            collector: collector
        )
        try await RunningEndpoint.with(collector: collector, health: [cache.healthCheck]) { server in
            let healthy = try await server.request("/health")
            #expect(healthy.status == 200)
            let body = try #require(try JSONSerialization.jsonObject(with: healthy.body) as? [String: Any])
            #expect(body["status"] as? String == "ok" && body["service"] as? String == "metrics-server")
            #expect(body["version"] as? String == "test")

            try FileManager.default.removeItem(atPath: directory.file("ids.sqlite"))
            // The checks run in the background, once a second: the failure shows from the next run on.
            var degraded = try await server.request("/health")
            let deadline = ContinuousClock.now + timeBound(.seconds(10))
            while degraded.status == 200, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                degraded = try await server.request("/health")
            }
            #expect(degraded.status == 503)
            let failing = try #require(try JSONSerialization.jsonObject(with: degraded.body) as? [String: Any])
            #expect(failing["status"] as? String == "degraded")
            let check = (failing["checks"] as? [String: [String: String]])?["file_cache"]
            #expect(check?["status"] == "failing" && check?["detail"]?.contains("missing") == true)
        }
    }

    @Test("/health answers from the last run: a slow check runs at most once a second, however many ask")
    func healthUnderLoad() async throws {
        let runs = Guarded(0)
        let slow = HealthCheck(name: "slow") {
            runs.withLock { $0 += 1 }
            try? await Task.sleep(for: .milliseconds(300))
            return .init(ok: true, detail: "slow but fine")
        }
        try await RunningEndpoint.with(health: [slow]) { server in
            let started = ContinuousClock.now
            var answered = 0
            for _ in 0..<200 {
                let response = try await server.request("/health")
                answered += response.status == 200 ? 1 : 0
                #expect(String(decoding: response.body, as: UTF8.self).contains(#""checked_at""#))
            }
            let elapsed = (ContinuousClock.now - started) / .seconds(1)
            #expect(answered == 200)
            let ran = runs.withLock { $0 }
            #expect(ran >= 1 && Double(ran) <= elapsed.rounded(.up) + 1, "\(ran) runs in \(elapsed) s")
        }
    }

    @Test("a cache that starts or stops failing raises the health signal once per change")
    func healthSignal() {
        let collector = MetricsCollector()
        let raised = Guarded(0)
        collector.healthSignal.onChange { raised.withLock { $0 += 1 } }
        let cache = collector.cache("file_cache")
        cache.failed("write", "disk full")
        cache.failed("write", "disk still full")
        #expect(raised.withLock { $0 } == 1)
        cache.worked("read")
        #expect(raised.withLock { $0 } == 1, "reads never failed")
        cache.worked("write")
        cache.worked("write")
        #expect(raised.withLock { $0 } == 2)
    }

    @Test("a test upload is 501 with a clear message when the engine has no uploader")
    func uploadWithoutUploader() async throws {
        try await RunningEndpoint.with { server in
            let response = try await server.request(
                "/v1/uploads/test",
                method: .POST,
                body: Data(#"{"files":2,"size_bytes":1024}"#.utf8),
                token: RunningEndpoint.token
            )
            #expect(response.status == 501)
            #expect(RunningEndpoint.error(response.body)?.message.contains("no uploader") == true)
            let invalid = try await server.request(
                "/v1/uploads/test",
                method: .POST,
                body: Data(#"{"files":0}"#.utf8),
                token: RunningEndpoint.token
            )
            #expect(invalid.status == 400)
        }
    }

    @Test("POST /v1/reset zeroes the counters")
    func reset() async throws {
        try await RunningEndpoint.with { server in
            server.collector.record(tool: "t", latencyMs: 1, success: true)
            let response = try await server.request("/v1/reset", method: .POST, token: RunningEndpoint.token)
            #expect(response.status == 200)
            #expect(server.collector.snapshot(maxAge: .zero).toolMetrics.isEmpty)
        }
    }

    @Test("a client sending one byte per second does not hold up other requests")
    func slowClient() async throws {
        try await RunningEndpoint.with { server in
            let slow = try RawConnection(port: server.port)
            let dribble = Task {
                for byte in "POST /v1/tool-calls HTTP/1.1\r\nHost: x\r\n".utf8 {
                    try? slow.send(String(UnicodeScalar(byte)))
                    try await Task.sleep(for: .seconds(1))
                }
            }
            defer { dribble.cancel() }
            try await Task.sleep(for: .milliseconds(1500))
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<5 { #expect(try await server.request("/metrics").status == 200) }
            // Blocked behind the dribbling client, these would take its 40 s; the bound only has to tell the two
            // apart, with room for a machine busy with the rest of the suite.
            #expect(clock.now - start < timeBound(.seconds(15)))
        }
    }

    @Test("200 concurrent connections are all served")
    func manyConnections() async throws {
        try await RunningEndpoint.with { server in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<200 { group.addTask { try await server.request("/metrics").status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 200 && statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test("a port already in use is a clear error naming the port and the flag")
    func portInUse() async throws {
        try await RunningEndpoint.with { first in
            let endpoint = MetricsEndpoint(collector: MetricsCollector(), token: nil, version: "test")
            let second = MetricsServer(
                host: "127.0.0.1",
                port: first.port,
                endpoint: endpoint,
                logger: .init(label: "t")
            )
            await #expect {
                try await second.run()
            } throws: { error in
                let text = "\(error)"
                return error is EndpointBindError && text.contains("127.0.0.1:\(first.port)") && text.contains("--port")
                    && text.contains("already in use")
            }
        }
    }

    @Test("the server listens on loopback only by default")
    func loopbackOnly() async throws {
        try await RunningEndpoint.with { server in
            // The kernel's own table of listening sockets: the local address must be 127.0.0.1, not 0.0.0.0.
            // Read to the end: /proc files report size 0, and a size-based read stops after the first page.
            let file = try #require(FileHandle(forReadingAtPath: "/proc/net/tcp"))
            let table = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
            let portHex = String(format: "%04X", server.port)
            let listening = table.split(separator: "\n").filter { $0.contains(":\(portHex) ") && $0.contains(" 0A ") }
            #expect(!listening.isEmpty)
            #expect(listening.allSatisfy { $0.contains("0100007F:\(portHex)") })
            #expect(EndpointConfiguration().host == "127.0.0.1")
        }
    }
}
