import AsyncHTTPClient
import Engine
import Foundation
import MetricsClient
import MetricsWire
import TestSupport
import Testing

/// The HTTP proxy relays bytes, not decoded messages: bodies go on framed as their sender framed them, and
/// every way HTTP/1 ends a message (length, chunks, the end of the connection, no body at all) is followed.
@Suite("HTTP proxy byte relay", .serialized)
struct HTTPProxyRelayTests {
    /// The port the proxy of `harness` listens on.
    private static func port(_ harness: HTTPProxyHarness) throws -> Int {
        try #require(harness.proxyURL.split(separator: ":").last.flatMap { Int($0) })
    }

    /// Sends `request` to the proxy over a connection of its own; reads until `marker` arrived, or else until the
    /// proxy closes the connection.
    private static func exchange(
        _ proxy: HTTPProxyHarness,
        _ request: String,
        until marker: String? = nil
    ) async throws -> String {
        let port = try port(proxy)
        return try await offThePool {
            let connection = try RawConnection(port: port)
            try connection.send(request)
            return try marker.map { try connection.read(until: $0) } ?? connection.readUntilClosed()
        }
    }

    private static func head(_ fields: String, method: String = "POST") -> String {
        "\(method) /mcp HTTP/1.1\r\nHost: client\r\nContent-Type: application/json\r\n"
            + "Accept: application/json, text/event-stream\r\n\(fields)\r\n"
    }

    @Test("a chunked request reaches the upstream byte for byte, extensions and trailers too, and its call is timed")
    func chunkedRequest() async throws {
        let seen = Guarded<[String]>([])
        let upstream = try RawScriptedUpstream { _, request in
            seen.withLock { $0.append(request) }
            return HTTPProxyConnectionTests.answer(#"{"jsonrpc":"2.0","id":7,"result":{"content":[]}}"#)
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let call = HTTPProxyHarness.call(7, "chunky")
            let split = call.index(call.startIndex, offsetBy: 10)
            let (first, second) = (String(call[..<split]), String(call[split...]))
            let body =
                "\(String(first.utf8.count, radix: 16));note=\"x\"\r\n\(first)\r\n"
                + "\(String(second.utf8.count, radix: 16, uppercase: true))\r\n\(second)\r\n0\r\nX-Checksum: 1\r\n\r\n"
            let port = try Self.port(proxy)
            let answer = try await offThePool {
                let connection = try RawConnection(port: port)
                try connection.send(Self.head("Transfer-Encoding: chunked\r\n"))
                try connection.send(body)
                return try connection.read(until: "\"result\"")
            }
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"))
            let request = try #require(seen.withLock { $0.first })
            #expect(request.hasSuffix("\r\n\r\n" + body), "the upstream got: \(request.debugDescription)")
            #expect(request.contains("Transfer-Encoding: chunked\r\n"))
            let tool = try #require(await proxy.tool("chunky"))
            #expect(tool.totalCalls == 1 && tool.failedCalls == 0)
        }
    }

    @Test("a chunk framed wrongly gets the client a 400 and closes both connections; no answer is relayed")
    func malformedChunk() async throws {
        let upstream = try RawScriptedUpstream { _, _ in HTTPProxyConnectionTests.answer("{}") }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let answer = try await Self.exchange(
                proxy,
                Self.head("Transfer-Encoding: chunked\r\n") + "5\r\nhello\n0\r\n\r\n"
            )
            #expect(answer == "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        }
    }

    @Test("Expect: 100-continue: the upstream's 100 reaches the client, which then sends its body")
    func expectContinue() async throws {
        let upstream = try HTTPProxyConnectionTests.echoUpstream()
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let call = HTTPProxyHarness.call(3, "patient")
            let port = try Self.port(proxy)
            let answer = try await offThePool {
                let connection = try RawConnection(port: port)
                try connection.send(Self.head("Expect: 100-continue\r\nContent-Length: \(call.utf8.count)\r\n"))
                let interim = try connection.read(until: "\r\n\r\n")
                try connection.send(call)
                return (interim, try connection.read(until: "\"result\""))
            }
            #expect(answer.0 == "HTTP/1.1 100 Continue\r\n\r\n")
            #expect(answer.1.contains("\r\n\r\nHTTP/1.1 200 OK\r\n"))
            #expect(try #require(await proxy.tool("patient")).totalCalls == 1)
        }
    }

    @Test(
        "an answer framed by the end of the connection reaches the client whole, and the client's connection ends too"
    )
    func answerUntilClose() async throws {
        let upstream = try RawScriptedUpstream(closeAfterAnswer: .zero) { _, _ in
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"
                + #"{"jsonrpc":"2.0","id":5,"result":{"content":[]}}"#
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let call = HTTPProxyHarness.call(5, "closing")
            let answer = try await Self.exchange(proxy, Self.head("Content-Length: \(call.utf8.count)\r\n") + call)
            #expect(
                answer == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                    + #"{"jsonrpc":"2.0","id":5,"result":{"content":[]}}"#
            )
            let tool = try #require(await proxy.tool("closing"))
            #expect(tool.totalCalls == 1 && tool.failedCalls == 0, "\(tool.errorTypes)")
        }
    }

    @Test("a HEAD answer's Content-Length announces no body: the next request on the connection is answered")
    func headThenPost() async throws {
        let upstream = try RawScriptedUpstream { _, request in
            if request.hasPrefix("HEAD") { return "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n" }
            return HTTPProxyConnectionTests.answer(#"{"jsonrpc":"2.0","id":2,"result":{"content":[]}}"#)
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let call = HTTPProxyHarness.call(2, "after-head")
            let port = try Self.port(proxy)
            let answers = try await offThePool {
                let connection = try RawConnection(port: port)
                try connection.send(Self.head("", method: "HEAD"))
                try connection.read(until: "\r\n\r\n")
                try connection.send(Self.head("Content-Length: \(call.utf8.count)\r\n") + call)
                return try connection.read(until: "\"result\"")
            }
            #expect(answers.hasPrefix("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\nHTTP/1.1 200 OK\r\n"))
            #expect(upstream.connections == 1)
        }
    }

    @Test("an HTTP/1.0 client is answered and its connection closed after the answer")
    func http10Client() async throws {
        let upstream = try HTTPProxyConnectionTests.echoUpstream()
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let call = HTTPProxyHarness.call(4, "old")
            let answer = try await Self.exchange(
                proxy,
                "POST /mcp HTTP/1.0\r\nContent-Length: \(call.utf8.count)\r\n\r\n" + call
            )
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n") && answer.contains("Connection: close\r\n"))
            #expect(answer.hasSuffix(#"{"jsonrpc":"2.0","id":4,"result":{"content":[]}}"#))
        }
    }

    @Test("an upstream answer head the client could read differently gets a 502 naming the upstream, never relayed")
    func malformedAnswer() async throws {
        let upstream = try RawScriptedUpstream { _, _ in
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let call = HTTPProxyHarness.call(6, "smuggled")
            let answer = try await Self.exchange(
                proxy,
                Self.head("Content-Length: \(call.utf8.count)\r\n") + call,
                until: "}}"
            )
            #expect(answer.hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"))
            #expect(answer.contains("sent a malformed answer: both Transfer-Encoding and Content-Length"))
            #expect(answer.contains(#""id":6"#))
            let tool = try #require(await proxy.tool("smuggled"))
            #expect(tool.errorTypes == ["upstream_malformed": 1])
        }
    }

    @Test("a chunked answer reaches the client byte for byte, chunk extensions and trailers included")
    func chunkedAnswer() async throws {
        let event = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{\"content\":[]}}\n\n"
        let body = "\(String(event.utf8.count, radix: 16));x=1\r\n\(event)\r\n0\r\nX-Trailer: done\r\n\r\n"
        let upstream = try RawScriptedUpstream { _, _ in
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + body
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let call = HTTPProxyHarness.call(8, "streamed")
            let answer = try await Self.exchange(
                proxy,
                Self.head("Content-Length: \(call.utf8.count)\r\n") + call,
                until: "X-Trailer: done\r\n\r\n"
            )
            #expect(answer.hasSuffix("Transfer-Encoding: chunked\r\n\r\n" + body))
            let tool = try #require(await proxy.tool("streamed"))
            #expect(tool.totalCalls == 1 && tool.failedCalls == 0)
        }
    }

    @Test(
        "an early answer to a body the upstream will not read: the rest of the body is read and dropped, the connection lives on"
    )
    func earlyAnswer() async throws {
        // The upstream answers 413 a moment after the head, reading nothing of the body: by then the proxy had
        // stopped reading the client, waiting for the upstream to take more.
        let upstream = try RawScriptedUpstream(answerBeforeBody: .milliseconds(300)) { _, request in
            request.hasPrefix("POST /big")
                ? "HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n"
                : HTTPProxyConnectionTests.answer(#"{"jsonrpc":"2.0","id":9,"result":{}}"#)
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let size = 16 * 1024 * 1024
            let port = try Self.port(proxy)
            let answers = try await offThePool {
                let connection = try RawConnection(port: port)
                try connection.send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\n\r\n")
                try connection.send([UInt8](repeating: 0x61, count: size))
                try connection.read(until: "\r\n\r\n")
                try connection.send("GET /mcp HTTP/1.1\r\nHost: x\r\n\r\n")
                return try connection.read(until: "\"id\":9")
            }
            #expect(answers.hasPrefix("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n"))
        }
    }

    @Test(
        "an idle upstream connection closed while a request's body was still being read: the request goes on a new one"
    )
    func idleCloseWhileCollecting() async throws {
        let upstream = try RawScriptedUpstream(closeAfterAnswer: .milliseconds(200)) { _, request in
            let id = request.split(separator: "\"id\":").dropFirst().first?.prefix { $0.isNumber } ?? "0"
            return HTTPProxyConnectionTests.answer(#"{"jsonrpc":"2.0","id":\#(id),"result":{"content":[]}}"#)
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let (first, second) = (HTTPProxyHarness.call(1, "patient"), HTTPProxyHarness.call(2, "patient"))
            let port = try Self.port(proxy)
            let answers = try await offThePool {
                let connection = try RawConnection(port: port)
                try connection.send(Self.head("Content-Length: \(first.utf8.count)\r\n") + first)
                try connection.read(until: "\"id\":1")
                let half = second.index(second.startIndex, offsetBy: second.utf8.count / 2)
                try connection.send(Self.head("Content-Length: \(second.utf8.count)\r\n") + second[..<half])
                Thread.sleep(forTimeInterval: 0.6)
                try connection.send(String(second[half...]))
                return try connection.read(until: "\"id\":2")
            }
            #expect(answers.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 3, "\(answers)")
            #expect(upstream.connections == 2)
            let tool = try #require(await proxy.tool("patient", calls: 2))
            #expect(tool.totalCalls == 2 && tool.failedCalls == 0, "\(tool.errorTypes)")
        }
    }

    @Test("an upstream connection that sent bytes no request asked for is not used again")
    func strayBytes() async throws {
        let upstream = try RawScriptedUpstream { connection, request in
            let id = request.split(separator: "\"id\":").dropFirst().first?.prefix { $0.isNumber } ?? "0"
            let answer = HTTPProxyConnectionTests.answer(#"{"jsonrpc":"2.0","id":\#(id),"result":{"content":[]}}"#)
            // After the answer, on its own: a second answer to nothing.
            let stray = RawScriptedUpstream.pause + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
            return connection == 1 ? answer + stray : answer
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            // One client connection: a second upstream connection is the proxy's choice.
            let port = try Self.port(proxy)
            let text = try await offThePool {
                let connection = try RawConnection(port: port)
                for id in 1...2 {
                    let call = HTTPProxyHarness.call(id, "echo")
                    try connection.send(Self.head("Content-Length: \(call.utf8.count)\r\n") + call)
                    try connection.read(until: #""id":\#(id),"result""#)
                    Thread.sleep(forTimeInterval: 0.3)
                }
                return connection.text
            }
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 3, "\(text)")
            #expect(upstream.connections == 2)
        }
    }

    @Test("an HTTP/1.0 client gets a chunked answer's payload alone, its connection closed at the end")
    func chunkedToHTTP10() async throws {
        let event = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"content\":[]}}\n\n"
        let upstream = try RawScriptedUpstream { _, _ in
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "\(String(event.utf8.count, radix: 16))\r\n\(event)\r\n0\r\n\r\n"
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let call = HTTPProxyHarness.call(4, "old-stream")
            let answer = try await Self.exchange(
                proxy,
                "POST /mcp HTTP/1.0\r\nContent-Length: \(call.utf8.count)\r\n\r\n" + call
            )
            #expect(
                answer == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + event
            )
            let tool = try #require(await proxy.tool("old-stream"))
            #expect(tool.totalCalls == 1 && tool.failedCalls == 0)
        }
    }

    @Test("sessions are counted by their Mcp-Session-Id, from the first message that carries it to its DELETE")
    func sessionsByID() async throws {
        let upstream = try RawScriptedUpstream { connection, request in
            if request.hasPrefix("DELETE") { return "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" }
            if request.contains("\"initialize\"") {
                let body = #"{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{}}}"#
                return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nMcp-Session-Id: s\(connection)\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
            }
            return "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let initialize =
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
            // Two clients, each on a connection of its own (so each gets a session of its own).
            let clients = [
                HTTPClient(eventLoopGroupProvider: .singleton), HTTPClient(eventLoopGroupProvider: .singleton),
            ]
            var sessions: [String] = []
            for client in clients {
                let answer = try await client.execute(proxy.post(initialize), timeout: .seconds(10))
                sessions.append(try #require(answer.headers.first(name: "mcp-session-id")))
                _ = try await answer.body.collect(upTo: 4096)
            }
            #expect(proxy.snapshot().systemMetrics.activeSessions == 0, "no session is open before its id is used")
            for (client, session) in zip(clients, sessions) {
                let initialized = proxy.post(
                    #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                    headers: [("Mcp-Session-Id", session)]
                )
                #expect(try await client.execute(initialized, timeout: .seconds(10)).status == .accepted)
            }
            #expect(Set(sessions).count == 2)
            #expect(proxy.snapshot().systemMetrics.activeSessions == 2)
            var delete = HTTPClientRequest(url: proxy.proxyURL + "/mcp")
            delete.method = .DELETE
            delete.headers.add(name: "Mcp-Session-Id", value: sessions[0])
            #expect(try await clients[0].execute(delete, timeout: .seconds(10)).status == .ok)
            let deadline = ContinuousClock.now + .seconds(5)
            while proxy.snapshot().systemMetrics.activeSessions != 1, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(proxy.snapshot().systemMetrics.activeSessions == 1)
            for client in clients { try await client.shutdown() }
        }
    }
}
