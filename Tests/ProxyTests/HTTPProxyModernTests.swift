import Engine
import Foundation
import MetricsClient
import MetricsWire
import TestSupport
import Testing

/// The HTTP proxy and MCP 2026-07-28 on the wire: headers that disagree with the body are counted and relayed
/// unchanged; listen streams and GET SSE streams are streams, ended by the client or (abruptly) the upstream.
@Suite("HTTP proxy, 2026-07-28", .serialized)
struct HTTPProxyModernTests {
    static let meta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}"#

    static func post(_ body: String, headers: String = "") -> String {
        "POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Accept: application/json, text/event-stream\r\n\(headers)Content-Length: \(body.utf8.count)\r\n\r\n"
            + body
    }

    /// A chunked SSE answer's head and its first event, the stream left open.
    static func openStream(_ event: String) -> String {
        let chunk = "event: message\ndata: \(event)\n\n"
        return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n"
    }

    @Test("Mcp-Method and Mcp-Name that disagree with the body: counted as header_mismatch, relayed as sent")
    func headerMismatch() async throws {
        let log = RequestLog()
        let upstream = try RawScriptedUpstream { _, request in
            log.add(request)
            let body = #"{"jsonrpc":"2.0","id":1,"result":{"resultType":"complete","content":[]}}"#
            return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                + body
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let port = try #require(proxy.proxyURL.split(separator: ":").last.flatMap { Int($0) })
            let body = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo",\#(Self.meta)}}"#
            let headers = "Mcp-Method: tools/list\r\nMcp-Name: echo\r\nMCP-Protocol-Version: 2026-07-28\r\n"
            _ = try await offThePool {
                let connection = try RawConnection(port: port)
                try connection.send(Self.post(body, headers: headers))
                return try connection.read(until: #""content":[]}}"#)
            }
            #expect(await proxy.protocolIssues(waitingFor: "header_mismatch") == ["header_mismatch": 1])
            let received = try #require(log.all.first)
            #expect(received.hasSuffix("\r\n\r\n" + body), "the body went upstream as sent")
            #expect(received.contains(headers), "the headers went upstream as sent, in order")
            #expect(try #require(await proxy.tool("echo")).totalCalls == 1)
        }
    }

    @Test("a listen stream the upstream ends without its answer ended abruptly; one the client closes did not")
    func listenStreams() async throws {
        let upstream = try RawScriptedUpstream { _, request in
            let id = request.contains(#""id":"abrupt""#) ? #""abrupt""# : #""kept""#
            let ack =
                #"{"jsonrpc":"2.0","method":"notifications/subscriptions/acknowledged","params":{"_meta":{"io.modelcontextprotocol/subscriptionId":\#(id)},"notifications":{}}}"#
            // The abrupt one ends its body (the last chunk) without the listen's answer.
            return Self.openStream(ack) + (id == #""abrupt""# ? "0\r\n\r\n" : "")
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let port = try #require(proxy.proxyURL.split(separator: ":").last.flatMap { Int($0) })
            for id in ["abrupt", "kept"] {
                let body =
                    #"{"jsonrpc":"2.0","id":"\#(id)","method":"subscriptions/listen","params":{"notifications":{},\#(Self.meta)}}"#
                let text = try await offThePool {
                    let connection = try RawConnection(port: port)
                    try connection.send(Self.post(body))
                    return try connection.read(until: "acknowledged")
                }
                #expect(text.contains("text/event-stream"))
            }
            // The client's connection for "kept" closed when its RawConnection went away.
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline, (proxy.snapshot().mcp?.streams?.closed ?? 0) < 2 {
                try await Task.sleep(for: .milliseconds(10))
            }
            let mcp = try #require(proxy.snapshot().mcp)
            let streams = try #require(mcp.streams)
            #expect(streams.opened == 2 && streams.closed == 2 && streams.closedAbruptly == 1)
            #expect(streams.events == ["notifications/subscriptions/acknowledged": 2])
            #expect(mcp.protocolIssues["stream_ended_abruptly"] == 1)
            #expect(mcp.inFlightCount == 0 && mcp.methodMetrics["subscriptions/listen"] == nil)
        }
    }

    @Test("a GET SSE stream (handshake era) is a stream: its messages counted, never a call in flight")
    func getStream() async throws {
        let upstream = try RawScriptedUpstream { _, _ in
            Self.openStream(#"{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"#)
        }
        try await HTTPProxyHarness.with(upstream: nil, upstreamPort: upstream.port) { proxy in
            let port = try #require(proxy.proxyURL.split(separator: ":").last.flatMap { Int($0) })
            try await offThePool {
                let connection = try RawConnection(port: port)
                try connection.send(
                    "GET /mcp HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nMcp-Session-Id: s1\r\n\r\n"
                )
                _ = try connection.read(until: "list_changed")
            }
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline, (proxy.snapshot().mcp?.streams?.closed ?? 0) < 1 {
                try await Task.sleep(for: .milliseconds(10))
            }
            let mcp = try #require(proxy.snapshot().mcp)
            #expect(mcp.streams?.opened == 1 && mcp.streams?.closed == 1 && mcp.streams?.closedAbruptly == 0)
            #expect(mcp.streams?.events == ["notifications/tools/list_changed": 1])
            #expect(mcp.inFlightCount == 0 && mcp.protocolIssues.isEmpty)
        }
    }
}
