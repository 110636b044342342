import Engine
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCPProxy
import MetricsWire
import NIOCore
import ServiceLifecycle
import Testing

/// `dashboard replay --upstream`: a recording replayed against a Streamable-HTTP server of the test's own,
/// which records what each POST carried and answers in JSON, in SSE, or with a request of its own first.
@Suite("dashboard replay --upstream")
struct HTTPReplayTests {
    /// What the server saw: each request's method, MCP headers and body.
    final class Seen: Sendable {
        struct Request: Sendable {
            var method: String
            var session: String?
            var version: String?
            var mcpMethod: String?
            var mcpName: String?
            var body: String
        }
        let requests = Guarded<[Request]>([])
    }

    @Test("headers as a client sends them, JSON and SSE answers, a server request answered from the recording")
    func replay() async throws {
        let seen = Seen()
        let router = Router()
        @Sendable func header(_ request: Hummingbird.Request, _ name: String) -> String? {
            request.headers[HTTPField.Name(name)!]
        }
        router.on("/mcp", method: .delete) { request, _ -> Response in
            seen.requests.withLock {
                $0.append(.init(method: "DELETE", session: header(request, "Mcp-Session-Id"), body: ""))
            }
            return Response(status: .ok)
        }
        router.post("/mcp") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            seen.requests.withLock {
                $0.append(
                    .init(
                        method: "POST",
                        session: header(request, "Mcp-Session-Id"),
                        version: header(request, "MCP-Protocol-Version"),
                        mcpMethod: header(request, "Mcp-Method"),
                        mcpName: header(request, "Mcp-Name"),
                        body: body
                    )
                )
            }
            let value = try JSONParser.parse(Array(body.utf8))
            let id = value["id"]?.compactText ?? "null"
            switch value["method"]?.stringValue {
            case "initialize":
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/json", HTTPField.Name("Mcp-Session-Id")!: "session-1"],
                    body: .init(
                        byteBuffer: ByteBuffer(
                            string: #"{"jsonrpc":"2.0","id":\#(id),"result":{"protocolVersion":"2025-11-25"}}"#
                        )
                    )
                )
            case "tools/call":
                let name = value["params"]?["name"]?.stringValue ?? ""
                // café first asks the client (an elicitation), then answers in the same stream.
                let events =
                    (name == "café"
                        ? [#"{"jsonrpc":"2.0","id":"s1","method":"elicitation/create","params":{}}"#] : [])
                    + [#"{"jsonrpc":"2.0","id":\#(id),"result":{"content":[{"type":"text","text":"\#(name) now"}]}}"#]
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/event-stream"],
                    body: .init(
                        byteBuffer: ByteBuffer(string: events.map { "event: message\ndata: \($0)\n\n" }.joined())
                    )
                )
            default:
                return Response(status: .accepted)
            }
        }
        let logger = Logger(label: "replay-test")
        let server = HTTPServerService(host: "127.0.0.1", port: 0, responder: router.buildResponder(), logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: server)], logger: logger)
        )
        let running = Task { try await group.run() }
        defer {
            Task { await group.triggerGracefulShutdown() }
            running.cancel()
        }
        let port = try await server.port()

        let call = { (id: Int, tool: String) in
            #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":{}}}"#
        }
        let records = [
            (1.0, "c2s", #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}"#),
            (1.1, "s2c", #"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25"}}"#),
            (1.2, "c2s", #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
            (2.0, "c2s", call(1, "clock")),
            (2.1, "s2c", #"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"clock now"}]}}"#),
            (3.0, "c2s", call(2, "café")),
            (3.1, "s2c", #"{"jsonrpc":"2.0","id":"e9","method":"elicitation/create","params":{}}"#),
            (3.2, "c2s", #"{"jsonrpc":"2.0","id":"e9","result":{"action":"accept","content":{"name":"Ada"}}}"#),
            (3.3, "s2c", #"{"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"café then"}]}}"#),
        ]
        let text = try records.map { time, direction, line -> String in
            let escaped = String(decoding: try JSONEncoder().encode(line), as: UTF8.self)
            return #"{"t":\#(time),"dir":"\#(direction)","line":\#(escaped)}"#
        }.joined(separator: "\n")
        let path = NSTemporaryDirectory() + "replay-http-\(UUID().uuidString).jsonl"
        try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let results = try await HTTPReplay.run(
            try Recording.read(path: path),
            url: "http://127.0.0.1:\(port)/mcp",
            ignoring: [],
            timeout: .seconds(5)
        )
        #expect(results.map(\.call) == ["initialize", "tools/call clock", "tools/call café"])
        #expect(results[0].outcome == .same && results[1].outcome == .same)
        #expect(
            results[2].outcome
                == .differs(
                    JSONDifference(
                        pointer: "/result/content/0/text",
                        recorded: #""café then""#,
                        replayed: #""café now""#
                    )
                )
        )

        let requests = seen.requests.withLock { $0 }
        #expect(requests.map(\.method) == ["POST", "POST", "POST", "POST", "POST", "DELETE"])
        // The handshake carries no session; everything after it the server's session and version.
        #expect(requests[0].session == nil && requests[0].mcpMethod == "initialize")
        #expect(requests.dropFirst().allSatisfy { $0.session == "session-1" })
        #expect(requests.dropFirst().dropLast().allSatisfy { $0.version == "2025-11-25" })
        #expect(requests[1].mcpMethod == "notifications/initialized")
        #expect(requests[2].mcpName == "clock")
        // A name that is not plain ASCII travels Base64-wrapped.
        #expect(requests[3].mcpName == "=?base64?\(Data("café".utf8).base64EncodedString())?=")
        // The server's request answered with the recorded client's answer, under the server's id.
        let answer = try JSONParser.parse(Array(requests[4].body.utf8))
        #expect(answer["id"]?.stringValue == "s1")
        #expect(answer["result"]?["content"]?["name"]?.stringValue == "Ada")
        #expect(requests[4].mcpMethod == nil)
    }

    @Test("a server that is not there: said at once, as bad input; a URL that is not http refused")
    func unreachable() async throws {
        let path = NSTemporaryDirectory() + "replay-http-\(UUID().uuidString).jsonl"
        let line = String(
            decoding: try JSONEncoder().encode(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#),
            as: UTF8.self
        )
        try #"{"t":1,"dir":"c2s","line":\#(line)}"#.appending("\n").write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recording = try Recording.read(path: path)
        await #expect {
            _ = try await HTTPReplay.run(recording, url: "http://127.0.0.1:1/mcp", ignoring: [], timeout: .seconds(30))
        } throws: { error in
            "\(error)" == "cannot reach http://127.0.0.1:1/mcp: connection refused"
        }
        await #expect {
            _ = try await HTTPReplay.run(recording, url: "file:///etc/passwd", ignoring: [], timeout: .seconds(1))
        } throws: { error in
            "\(error)".contains("http:// or https://")
        }
    }
}
