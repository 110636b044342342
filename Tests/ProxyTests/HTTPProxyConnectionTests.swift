import AsyncHTTPClient
import Engine
import Foundation
import MetricsClient
import NIOCore
import NIOHTTP1
import Testing

/// How the HTTP proxy uses its connections to the upstream: one per client connection, reused from
/// request to request; one the upstream closed as idle replaced without failing the request when
/// sending it again cannot run a call twice.
@Suite("HTTP proxy connections", .serialized)
struct HTTPProxyConnectionTests {
    static func answer(_ body: String) -> String {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test("requests of one client connection share one upstream connection, in order")
    func reuse() async throws {
        let upstream = try RawScriptedUpstream { _, request in
            let id = request.split(separator: "\"id\":").dropFirst().first?.prefix { $0.isNumber } ?? "0"
            return Self.answer(#"{"jsonrpc":"2.0","id":\#(id),"result":{"content":[]}}"#)
        }
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
            func post(_ id: Int) async throws -> (HTTPResponseStatus, String) {
                let response = try await proxy.client.execute(
                    proxy.post(HTTPProxyHarness.call(id, "once")),
                    timeout: .seconds(10)
                )
                return (response.status, String(buffer: try await response.body.collect(upTo: 4096)))
            }
            #expect(try await post(1).0 == .ok)
            var get = HTTPClientRequest(url: proxy.proxyURL + "/mcp")
            get.headers.add(name: "Accept", value: "text/event-stream")
            let again = try await proxy.client.execute(get, timeout: .seconds(10))
            #expect(again.status == .methodNotAllowed, "the GET was sent again on a new connection")
            let (status, body) = try await post(2)
            #expect(status == .badGateway)
            #expect(body.contains("cannot reach the upstream"))
            #expect(try await post(3).0 == .ok)
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
