import AsyncHTTPClient
import Engine
import Foundation
import Hummingbird
import MetricsClient
import MetricsWire
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// How the HTTP proxy uses its connections to the upstream: one per client connection, reused from
/// request to request; one the upstream closed as idle replaced without failing the request when
/// sending it again cannot run a call twice.
@Suite("HTTP proxy connections", .serialized)
struct HTTPProxyConnectionTests {
    static func answer(_ body: String) -> String {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    /// An upstream answering each call with an empty result of the call's id.
    static func echoUpstream() throws -> RawScriptedUpstream {
        try RawScriptedUpstream { _, request in
            let id = request.split(separator: "\"id\":").dropFirst().first?.prefix { $0.isNumber } ?? "0"
            return Self.answer(#"{"jsonrpc":"2.0","id":\#(id),"result":{"content":[]}}"#)
        }
    }

    @Test("requests of one client connection share one upstream connection, in order")
    func reuse() async throws {
        let upstream = try Self.echoUpstream()
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            for id in 1...20 {
                let response = try await proxy.client.execute(
                    proxy.post(HTTPProxyHarness.call(id, "echo")),
                    timeout: .seconds(10)
                )
                #expect(response.status == .ok)
                let body = String(buffer: try await response.body.collect(upTo: 4096))
                #expect(body == #"{"jsonrpc":"2.0","id":\#(id),"result":{"content":[]}}"#)
            }
            #expect(try #require(await proxy.tool("echo", calls: 20)).totalCalls == 20)
            #expect(upstream.connections == 1, "20 requests in a row went over \(upstream.connections) connections")
        }
    }

    @Test("pipelined requests are answered in order, one after another, over one upstream connection")
    func pipelined() async throws {
        let upstream = try Self.echoUpstream()
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            // Three requests in one write, the last asking to close: the client reads until the proxy does.
            let requests = (1...3).map { id in
                let body = HTTPProxyHarness.call(id, "echo")
                return "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nContent-Length: \(body.utf8.count)\r\n"
                    + (id == 3 ? "Connection: close\r\n" : "") + "\r\n" + body
            }
            let port = try #require(proxy.proxyURL.split(separator: ":").last.flatMap { Int($0) })
            let reads = try await RawHTTP.exchange(port: port, request: requests.joined())
            let text = reads.map { String(decoding: $0.1, as: UTF8.self) }.joined()
            let answers = text.components(separatedBy: "HTTP/1.1 200 OK\r\n").dropFirst()
            #expect(answers.count == 3, "the proxy answered: \(text)")
            for (index, answer) in answers.enumerated() {
                #expect(answer.hasSuffix(#"{"jsonrpc":"2.0","id":\#(index + 1),"result":{"content":[]}}"#))
            }
            let tool = try #require(await proxy.tool("echo", calls: 3))
            #expect(tool.totalCalls == 3 && tool.failedCalls == 0)
            #expect(upstream.connections == 1)
        }
    }

    @Test("a request that is not HTTP gets a 400 and the connection closed; nothing of it goes upstream")
    func notHTTP() async throws {
        let upstream = try RawScriptedUpstream { _, _ in Self.answer("{}") }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let port = try #require(proxy.proxyURL.split(separator: ":").last.flatMap { Int($0) })
            for request in [
                "POST /mcp HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n",
                "POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                "\u{1}\u{2}\u{3} not HTTP at all\r\n\r\n",
            ] {
                let reads = try await RawHTTP.exchange(port: port, request: request)
                let text = reads.map { String(decoding: $0.1, as: UTF8.self) }.joined()
                #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "for \(request.debugDescription): \(text)")
            }
            #expect(upstream.connections == 0)
        }
    }

    @Test("the response timeout runs from each request: a later request on the connection gets its own")
    func timeoutPerRequest() async throws {
        let router = Router()
        router.post("/mcp") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            if body.contains("hangs") { try await Task.sleep(for: .seconds(60)) }
            let id = body.split(separator: "\"id\":").dropFirst().first?.prefix { $0.isNumber } ?? "0"
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"jsonrpc":"2.0","id":\#(id),"result":{}}"#))
            )
        }
        // 500 ms, stretched on a sanitizer's build (where the first, fast call once took longer than that).
        let timeout = timeBound(.milliseconds(500))
        try await HTTPProxyHarness.with(upstream: router, responseTimeout: timeout) { proxy in
            let first = try await proxy.client.execute(
                proxy.post(HTTPProxyHarness.call(1, "fast")),
                timeout: .seconds(10)
            )
            #expect(first.status == .ok)
            _ = try await first.body.collect(upTo: 4096)
            // The connection's timer was set for the first request's deadline; the second starts 60 % of the
            // timeout later and must get its full timeout, then a 504 (not one at the first's deadline, and
            // not never).
            try await Task.sleep(for: timeout * 0.6)
            let started = ContinuousClock.now
            let second = try await proxy.client.execute(
                proxy.post(HTTPProxyHarness.call(2, "hangs")),
                timeout: .seconds(30)
            )
            let waited = ContinuousClock.now - started
            #expect(second.status == .gatewayTimeout)
            #expect(waited >= timeout * 0.9 && waited < timeout + timeBound(.seconds(3)), "504 after \(waited)")
            #expect(try #require(await proxy.tool("hangs")).errorTypes == ["upstream_timeout": 1])
        }
    }

    @Test("content types are read in any case: an upper-case JSON answer and SSE stream are both matched")
    func contentTypeCase() async throws {
        let upstream = try RawScriptedUpstream { _, request in
            let id = request.split(separator: "\"id\":").dropFirst().first?.prefix { $0.isNumber } ?? "0"
            let response = #"{"jsonrpc":"2.0","id":\#(id),"result":{"content":[]}}"#
            if request.contains("streamed") {
                let event = "event: message\ndata: \(response)\n\n"
                return
                    "HTTP/1.1 200 OK\r\nContent-Type: TEXT/Event-Stream\r\nContent-Length: \(event.utf8.count)\r\n\r\n"
                    + event
            }
            return "HTTP/1.1 200 OK\r\nContent-Type: Application/JSON; charset=UTF-8\r\n"
                + "Content-Length: \(response.utf8.count)\r\n\r\n\(response)"
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            for (id, tool) in [(1, "plain"), (2, "streamed")] {
                let response = try await proxy.client.execute(
                    proxy.post(HTTPProxyHarness.call(id, tool)),
                    timeout: .seconds(10)
                )
                #expect(response.status == .ok)
                _ = try await response.body.collect(upTo: 4096)
                let metrics = try #require(await proxy.tool(tool))
                #expect(metrics.totalCalls == 1 && metrics.failedCalls == 0, "\(tool): \(metrics.errorTypes)")
            }
        }
    }

    @Test("a GET on a connection the upstream closed unanswered is sent again; a POST gets a 502, never sent twice")
    func closedAsIdle() async throws {
        let log = RequestLog()
        let upstream = try RawScriptedUpstream { connection, request in
            let id = request.split(separator: "\"id\":").dropFirst().first?.prefix { $0.isNumber } ?? ""
            let what = request.hasPrefix("GET") ? "GET" : "POST \(id)"
            log.add("\(connection) \(what)")
            switch (connection, what) {
            case (1, "POST 1"), (3, "POST 3"): return Self.answer(#"{"jsonrpc":"2.0","id":\#(id),"result":{}}"#)
            case (2, "GET"): return "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"
            default: return nil  // closed without an answer, as an upstream closing an idle connection does
            }
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            // One client connection throughout (a pooled client may open another while an answer's end is
            // still on its way), so every upstream connection below is the proxy's choice.
            let port = try #require(proxy.proxyURL.split(separator: ":").last.flatMap { Int($0) })
            let text = try await offThePool {
                let connection = try RawConnection(port: port)
                func post(_ id: Int) throws {
                    let body = HTTPProxyHarness.call(id, "once")
                    try connection.send(
                        "POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Accept: application/json, text/event-stream\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                            + body
                    )
                }
                try post(1)
                try connection.read(until: #""id":1,"result""#)
                try connection.send("GET /mcp HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
                try connection.read(until: "405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                try post(2)
                try connection.read(until: "}}")
                try post(3)
                return try connection.read(until: #""id":3,"result""#)
            }
            let answers = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
            #expect(answers == ["200", "405", "502", "200"], "the GET was sent again on a new connection: \(text)")
            #expect(text.contains("cannot reach the upstream"))
            #expect(log.all == ["1 POST 1", "1 GET", "2 GET", "2 POST 2", "3 POST 3"])
            let tool = try #require(await proxy.tool("once", calls: 3))
            #expect(tool.errorTypes == ["upstream_unreachable": 1])
        }
    }
}

/// Which connection each request arrived on.
final class RequestLog: Sendable {
    private let entries = Guarded<[String]>([])
    func add(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}
