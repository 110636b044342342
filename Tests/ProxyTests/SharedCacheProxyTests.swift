import AsyncHTTPClient
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MetricsWire
import NIOCore
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

/// Two real `dashboard proxy` processes with `--cache` and `--cache-url` on one real PostgreSQL, as two
/// replicas of one server: a result one cached answers the same call on the other.
@Suite("Proxies sharing cached results through PostgreSQL")
struct SharedCacheProxyTests {
    @Test("stdio: the second replica answers a call the first cached, from the shared store")
    func stdioReplicas() async throws {
        let server = try await PostgresServer.sharedDatabase()
        defer { Task { await server.destroy() } }
        // A generous deadline: the suite's other tests share two cores with these processes (the 50 ms default is
        // measured in scripts/bench-shared-cache.sh).
        let options = ["--name", "search", "--cache", "lookup=1m", "--cache-url", server.url, "--cache-timeout", "5s"]
        let first = try ProxyProcess(options: options, server: ProxyProcess.peer("echo"))
        first.send(line: toolCall(id: "1", tool: "lookup", arguments: #"{"q":"x"}"#))
        #expect(await first.waitForLines(1))
        _ = try await first.snapshot(until: { $0.toolMetrics["lookup"]?.totalCalls == 1 })
        try await Self.waitForRows(1, in: server)
        let second = try ProxyProcess(options: options, server: ProxyProcess.peer("echo"))
        // As a user would see it: the Caches pane (the snapshot) says the store is ready.
        _ = try await second.snapshot(until: { $0.cacheMetrics["semantic_cache"]?.storeState == "ready" })
        second.send(line: toolCall(id: "\"b\"", tool: "lookup", arguments: #"{ "q" : "x" }"#))
        #expect(await second.waitForLines(1))
        #expect(second.lines == [#"{"jsonrpc":"2.0","id":"b","result":{"content":[{"type":"text","text":"ok"}]}}"#])
        let snapshot = try await second.snapshot(until: { $0.cacheMetrics["semantic_cache"]?.sharedHits == 1 })
        let cache = try #require(snapshot.cacheMetrics["semantic_cache"])
        #expect(cache.hits == 1 && cache.misses == 0 && cache.sharedHits == 1 && cache.sharedLookups == 1, "\(cache)")
        #expect(cache.store == "postgres 127.0.0.1/\(server.database)" && cache.storeState == "ready")
        for proxy in [first, second] {
            proxy.closeInput()
            #expect(await proxy.exitStatus() == 0)
            #expect(!proxy.standardError.contains(server.password))
        }
    }

    @Test("HTTP: the upstream is called once for two replicas; a wrong password falls back and never shows")
    func httpReplicas() async throws {
        let server = try await PostgresServer.sharedDatabase()
        defer { Task { await server.destroy() } }
        let calls = Atomic<Int>(0)
        let router = Router()
        router.post("/mcp") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            calls.add(1, ordering: .relaxed)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: #"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"42"}]}}"#
                    )
                )
            )
        }
        let logger = Logger(label: "shared-cache-proxy-test")
        let upstream = HTTPServerService(host: "127.0.0.1", port: 0, responder: router.buildResponder(), logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: upstream)], logger: logger)
        )
        let running = Task { try await group.run() }
        defer {
            Task { await group.triggerGracefulShutdown() }
            running.cancel()
        }
        let url = "http://127.0.0.1:\(try await upstream.port())/mcp"
        var ports: [Int] = []
        var proxies: [HTTPProxyProcess] = []
        for storeURL in [server.url, server.url, server.urlWithWrongPassword] {
            let port = try PostgresServer.freePort()
            ports.append(port)
            proxies.append(
                try await HTTPProxyProcess(
                    upstream: url,
                    options: [
                        "--name", "answers", "--port", "\(port)", "--cache", "ask", "--cache-url", storeURL,
                        "--cache-timeout", "5s",
                    ]
                )
            )
        }
        defer { for proxy in proxies { proxy.stop() } }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { Task { try? await client.shutdown() } }
        let body = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ask","arguments":{"q":"life"}}}"#
        func call(_ index: Int) async throws -> String {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(proxies[index].port)/mcp")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Accept", value: "application/json, text/event-stream")
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await client.execute(request, timeout: .seconds(20))
            #expect(response.status == .ok)
            return String(buffer: try await response.body.collect(upTo: 1 << 20))
        }
        _ = try await call(0)
        try await Self.waitForRows(1, in: server)
        let answer = try await call(1)
        #expect(answer.contains(#""text":"42""#))
        #expect(calls.load(ordering: .relaxed) == 1, "the second replica answered from the shared store")
        let shared = try await Self.metrics(port: ports[1])
        #expect(shared.contains(#"dashboard_cache_shared_hits_total{cache="semantic_cache"} 1"#), "\(shared)")
        // The third cannot log in: it calls the upstream itself, and says why without the password.
        _ = try await call(2)
        #expect(calls.load(ordering: .relaxed) == 2)
        let (status, health) = try await Self.get("/health", port: ports[2])
        #expect(status == 503 && health.contains("shared store unreachable"), "\(health)")
        #expect(health.contains("password authentication failed"), "\(health)")
        let outputs = [
            health, try await Self.metrics(port: ports[2]), try await Self.get("/metrics", port: ports[2]).1,
            proxies[2].standardError,
        ]
        let discovery = try FileManager.default.subpathsOfDirectory(atPath: proxies[2].stateHome).compactMap {
            try? String(contentsOfFile: proxies[2].stateHome + "/" + $0, encoding: .utf8)
        }
        for text in outputs + discovery {
            #expect(!text.contains(server.password), "the password shows in: \(text.prefix(300))")
        }
    }

    static func waitForRows(_ count: Int, in server: PostgresServer) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if (try? await server.psql("SELECT count(*) FROM dashboard_responses")) == "\(count)" { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the shared store did not get \(count) rows")
    }

    static func metrics(port: Int) async throws -> String {
        try await get("/metrics/prometheus", port: port).1
    }

    static func get(_ path: String, port: Int) async throws -> (Int, String) {
        let outcome = try await SpawnedCommand.run(
            "/usr/bin/curl",
            ["-s", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"]
        )
        let lines = outcome.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }
}
