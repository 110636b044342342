import AsyncHTTPClient
import Engine
import Foundation
import MCPProxy
import MetricsWire
import TestSupport
import Testing

/// The messages a proxy keeps (`--messages`, `--capture`) and serves on `GET /v1/messages`: what each was,
/// its answer's latency and outcome, payloads only when captured and then with secrets redacted at any depth.
@Suite("dashboard proxy: messages")
struct MessageLogTests {
    let collector = MetricsCollector()

    func observer(_ log: MessageLog) -> ProxyObserver {
        ProxyObserver(
            collector: collector,
            server: MCPServerStatus(name: "test", executable: "test-server", running: true),
            messages: log
        )
    }

    func client(_ observer: ProxyObserver, _ line: String, at instant: ContinuousClock.Instant) {
        _ = Array(line.utf8).withUnsafeBufferPointer { observer.clientLine($0, at: instant) }
    }

    func server(_ observer: ProxyObserver, _ line: String, at instant: ContinuousClock.Instant) {
        Array(line.utf8).withUnsafeBufferPointer { observer.serverLine($0, at: instant) }
    }

    static let secretCall =
        #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"search","arguments":{"q":"weather","#
        + #""config":{"nested":[{"API-Key":"sk-live-123","token":"t-456"}]},"max_tokens":5}}}"#

    @Test("each message's metadata; an answer completed with its latency and outcome, an early one too")
    func metadata() throws {
        let log = MessageLog(server: "test")
        let observer = observer(log)
        let start = ContinuousClock.now
        client(observer, Self.secretCall, at: start)
        server(
            observer,
            #"{"jsonrpc":"2.0","id":7,"result":{"content":[],"isError":true}}"#,
            at: start + .milliseconds(12)
        )
        server(observer, #"{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info"}}"#, at: start)
        // Answered before its request was observed (the relay writes first).
        server(
            observer,
            #"{"jsonrpc":"2.0","id":"p","error":{"code":-32601,"message":"no"}}"#,
            at: start + .milliseconds(3)
        )
        client(observer, #"{"jsonrpc":"2.0","id":"p","method":"prompts/get","params":{"name":"x"}}"#, at: start)
        client(observer, "not json at all", at: start)

        let page = log.page(after: 0, limit: 100)
        #expect(page.server == "test" && page.capture == false && page.capacity == 2000 && page.last == 6)
        let entries = page.messages
        try #require(entries.count == 6)
        #expect(entries.map(\.seq) == [1, 2, 3, 4, 5, 6])
        #expect(entries.map(\.kind) == ["request", "result", "notification", "error", "request", "invalid"])
        #expect(
            entries.map(\.direction) == [
                .clientToServer, .serverToClient, .serverToClient, .serverToClient, .clientToServer, .clientToServer,
            ]
        )
        #expect(entries[0].method == "tools/call" && entries[0].tool == "search" && entries[0].id == "7")
        #expect(entries[0].bytes == Self.secretCall.utf8.count && entries[0].latencyMs == nil)
        #expect(entries[1].method == "tools/call" && entries[1].tool == "search" && entries[1].id == "7")
        #expect(entries[1].latencyMs == 12 && entries[1].outcome == "tool_error")
        #expect(entries[2].method == "notifications/message" && entries[2].id == nil)
        #expect(entries[3].id == #""p""# && entries[3].method == "prompts/get")
        #expect(entries[3].latencyMs == 3 && entries[3].outcome == "-32601")
        #expect(entries[5].bytes == 15 && entries[5].method == nil)
        #expect(entries.allSatisfy { $0.payload == nil }, "metadata only without --capture")
        #expect(!"\(entries)".contains("weather"), "no argument anywhere without --capture")
    }

    @Test("--capture keeps payloads with secret-looking values redacted at any depth, cut at 64 KiB")
    func capture() throws {
        let log = MessageLog(server: "test", capture: true)
        let observer = observer(log)
        client(observer, Self.secretCall, at: .now)
        let huge = String(repeating: "x", count: 100_000)
        server(
            observer,
            #"{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"\#(huge)"}]}}"#,
            at: .now
        )

        let entries = log.page(after: 0, limit: 10).messages
        try #require(entries.count == 2)
        let payload = try #require(entries[0].payload)
        #expect(!payload.contains("sk-live-123") && !payload.contains("t-456"))
        #expect(payload.contains(#""API-Key":"‹redacted›""#) && payload.contains(#""token":"‹redacted›""#))
        #expect(payload.contains(#""q":"weather""#) && payload.contains(#""max_tokens":5"#), "counts of tokens stay")
        let parsed = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any]
        #expect(parsed?["id"] as? Int == 7, "a captured payload is the message as JSON")
        #expect(entries[0].truncated == nil)
        let cut = try #require(entries[1].payload)
        #expect(entries[1].truncated == true && cut.utf8.count <= MessageEntry.maxPayloadBytes && cut.hasSuffix("…"))
    }

    @Test("secret-looking keys in any case and with - or _; counts of tokens and plain words are not")
    func secretKeys() {
        for key in [
            "Authorization", "X-Api-Key", "api_key", "APIKEY", "access_token", "refreshToken", "PASSWORD", "passwd",
            "client_secret", "Cookie", "set-cookie", "auth", "session", "key", "private_key", "Bearer", "credentials",
        ] {
            #expect(JSONValue.isSecretKey(key), "\(key)")
        }
        for key in ["max_tokens", "total_tokens", "q", "name", "keyword", "monkey", "author", "sessions_count", "text"]
        {
            #expect(!JSONValue.isSecretKey(key), "\(key)")
        }
    }

    @Test("the oldest are forgotten past the capacity; pages go after a number, at most a limit")
    func ring() {
        let log = MessageLog(server: "test", capacity: 5)
        let observer = observer(log)
        for id in 1...8 {
            client(observer, #"{"jsonrpc":"2.0","method":"notifications/n\#(id)"}"#, at: .now)
        }
        let all = log.page(after: 0, limit: 100)
        #expect(all.last == 8 && all.messages.map(\.seq) == [4, 5, 6, 7, 8])
        #expect(log.page(after: 5, limit: 2).messages.map(\.seq) == [6, 7])
        #expect(log.page(after: 8, limit: 10).messages.isEmpty)
        #expect(log.page(after: 99, limit: 10).messages.isEmpty)
    }

    @Test("the real proxy serves them on GET /v1/messages with the token only: 401 without, 400 for bad numbers")
    func controlAPI() async throws {
        let token = "messages-test-token"
        let proxy = try ProxyProcess(
            options: ["--name", "logged", "--capture", "--messages", "3"],
            server: ProxyProcess.peer("echo"),
            environment: ["METRICS_CONTROL_TOKEN": token]
        )
        proxy.send(line: Self.secretCall)
        proxy.send(line: #"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"other","arguments":{}}}"#)
        #expect(await proxy.waitForLines(2))
        let port = try await proxy.discovery().port
        let url = "http://127.0.0.1:\(port)/v1/messages"

        let (anonymous, refusal) = try await Self.get(url, token: nil)
        #expect(anonymous == 401 && refusal.contains("bearer token"), "\(refusal)")
        let (wrong, _) = try await Self.get(url, token: "nope")
        #expect(wrong == 401)
        let (bad, badBody) = try await Self.get(url + "?after=-1", token: token)
        #expect(bad == 400 && badBody.contains("after must be a whole number"), "\(badBody)")
        let (tooMany, _) = try await Self.get(url + "?limit=5000", token: token)
        #expect(tooMany == 400)

        // The server's answer reaches the client before the proxy has looked at it (it relays first): wait
        // for the log to hold all four.
        var (status, body) = try await Self.get(url + "?after=0&limit=10", token: token)
        var page = try JSONDecoder().decode(MessagesPage.self, from: Data(body.utf8))
        let deadline = ContinuousClock.now + .seconds(10)
        while page.last < 4, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            (status, body) = try await Self.get(url + "?after=0&limit=10", token: token)
            page = try JSONDecoder().decode(MessagesPage.self, from: Data(body.utf8))
        }
        #expect(status == 200)
        #expect(page.server == "logged" && page.capture && page.capacity == 3 && page.last == 4)
        #expect(page.messages.map(\.seq) == [2, 3, 4], "the last three of four")
        // Both requests may be read before either answer: the kinds' order is the peers' timing.
        #expect(page.messages.filter { $0.kind == "result" }.count >= 1)
        let answer = try #require(page.messages.first { $0.kind == "result" && $0.id == "8" })
        #expect(answer.tool == "other" && answer.outcome == "ok" && answer.latencyMs != nil, "\(answer)")
        #expect(!body.contains("sk-live-123"))
        let (_, metrics) = try await Self.get("http://127.0.0.1:\(port)/metrics", token: nil)
        #expect(!metrics.contains("notifications") && !metrics.contains("\"payload\""), "never in /metrics")
        proxy.closeInput()
        #expect(await proxy.exitStatus() == 0)
    }

    @Test("--messages 0 keeps none: GET /v1/messages says so; bad flags are refused")
    func off() async throws {
        let proxy = try ProxyProcess(
            options: ["--messages", "0"],
            server: ProxyProcess.peer("echo"),
            environment: ["METRICS_CONTROL_TOKEN": "t"]
        )
        let port = try await proxy.discovery().port
        let (status, body) = try await Self.get("http://127.0.0.1:\(port)/v1/messages", token: "t")
        #expect(status == 404 && body.contains("relays no messages"), "\(body)")
        proxy.closeInput()
        _ = await proxy.exitStatus()

        for (options, message) in [
            (["--messages", "100001"], "--messages must be from 0 to 100000"),
            (["--messages", "0", "--capture"], "--messages 0 keeps none"),
        ] {
            let refused = try ProxyProcess(options: options, server: ProxyProcess.peer("echo"))
            #expect(await refused.exitStatus() != 0)
            #expect(refused.standardError.contains(message), "\(refused.standardError)")
        }
    }

    static func get(_ url: String, token: String?) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }
}
