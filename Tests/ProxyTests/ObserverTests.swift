import Engine
import Foundation
import MCPProxy
import MetricsClient
import MetricsWire
import Testing

/// The observer against lines as real peers write them: matching, error types, progress, cancellation,
/// batches and protocol violations.
@Suite("Proxy observer")
struct ObserverTests {
    let collector = MetricsCollector()

    func observer(cache: ProxyResultCache? = nil) -> ProxyObserver {
        ProxyObserver(
            collector: collector,
            server: MCPServerStatus(name: "test", executable: "test-server", running: true),
            cache: cache
        )
    }

    @discardableResult
    func client(_ observer: ProxyObserver, _ line: String, at instant: ContinuousClock.Instant = .now) -> String? {
        Array(line.utf8).withUnsafeBufferPointer { observer.clientLine($0, at: instant) }.map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    func server(_ observer: ProxyObserver, _ line: String, at instant: ContinuousClock.Instant = .now) {
        Array(line.utf8).withUnsafeBufferPointer { observer.serverLine($0, at: instant) }
    }

    func call(_ id: String, _ tool: String, _ arguments: String = "{}", token: String? = nil) -> String {
        let meta = token.map { #","_meta":{"progressToken":\#($0)}"# } ?? ""
        return
            #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":\#(arguments)\#(meta)}}"#
    }

    func snapshot() -> MetricsSnapshot { collector.snapshot(maxAge: .zero) }

    @Test("a tools/call is timed from its request to its response, per tool; other requests per method")
    func timing() throws {
        let observer = observer()
        let start = ContinuousClock.now
        client(
            observer,
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","clientInfo":{"name":"c","version":"1"}}}"#,
            at: start
        )
        server(
            observer,
            #"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-03-26","serverInfo":{"name":"s\u001b[31m","version":"2"}}}"#,
            at: start + .milliseconds(3)
        )
        client(observer, call("1", "echo"), at: start)
        server(observer, #"{"jsonrpc":"2.0","id":1,"result":{"content":[]}}"#, at: start + .milliseconds(40))
        let snapshot = snapshot()
        let echo = try #require(snapshot.toolMetrics["echo"])
        #expect(echo.totalCalls == 1 && echo.successfulCalls == 1)
        #expect(echo.p50LatencyMs == 40)
        let mcp = try #require(snapshot.mcp)
        #expect(mcp.methodMetrics["initialize"]?.p50LatencyMs == 3)
        #expect(mcp.server.client == MCPPeerInfo(name: "c", version: "1"))
        #expect(mcp.server.implementation?.name == "s[31m", "the escape character is removed")
        #expect(mcp.server.protocolVersion == "2025-03-26", "the server's answer wins over the client's ask")
        #expect(snapshot.toolMetrics["initialize"] == nil)
        #expect(snapshot.systemMetrics.activeSessions == 1, "initialize opens the MCP session")
        observer.serverExited(status: 0)
        #expect(self.snapshot().systemMetrics.activeSessions == 0)
    }

    @Test("JSON-RPC error codes and isError results become the documented error types")
    func errorTypes() throws {
        let observer = observer()
        let cases: [(String, String)] = [
            (#"{"code":-32700,"message":"x"}"#, "parse_error"), (#"{"code":-32600,"message":"x"}"#, "invalid_request"),
            (#"{"code":-32601,"message":"x"}"#, "method_not_found"),
            (#"{"code":-32602,"message":"x"}"#, "invalid_params"),
            (#"{"code":-32603,"message":"x"}"#, "internal_error"),
            (#"{"code":-32001,"message":"x"}"#, "jsonrpc_-32001"),
        ]
        for (offset, (error, _)) in cases.enumerated() {
            client(observer, call("\(offset)", "t"))
            server(observer, #"{"jsonrpc":"2.0","id":\#(offset),"error":\#(error)}"#)
        }
        client(observer, call("\"e\"", "t"))
        server(
            observer,
            #"{"jsonrpc":"2.0","id":"e","result":{"isError":true,"content":[{"type":"text","text":"boom\nline two"}]}}"#
        )
        let tool = try #require(snapshot().toolMetrics["t"])
        var expected = Dictionary(uniqueKeysWithValues: cases.map { ($0.1, 1) })
        expected["tool_error"] = 1
        #expect(tool.errorTypes == expected)
        #expect(tool.failedCalls == 7)
        let latest = try #require(snapshot().mcp?.recentFailures.first)
        #expect(latest.errorType == "tool_error" && latest.message == "boom line two" && latest.tool == "t")
    }

    @Test("the same id in flight in both directions, and 1 versus \"1\", are four different requests")
    func idCollisions() throws {
        let observer = observer()
        client(observer, call("1", "number"))
        client(observer, call("\"1\"", "string"))
        server(observer, #"{"jsonrpc":"2.0","id":1,"method":"roots/list"}"#)
        server(observer, #"{"jsonrpc":"2.0","id":"1","method":"ping"}"#)
        #expect(snapshot().mcp?.inFlightCount == 4)
        // The client answers the server's requests first: nothing of the client's own may end.
        client(observer, #"{"jsonrpc":"2.0","id":"1","result":{}}"#)
        client(observer, #"{"jsonrpc":"2.0","id":1.0,"result":{"roots":[]}}"#)
        #expect(snapshot().toolMetrics.isEmpty)
        server(observer, #"{"jsonrpc":"2.0","id":"1","result":{"content":[]}}"#)
        server(observer, #"{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"x"}}"#)
        let snapshot = snapshot()
        #expect(snapshot.toolMetrics["string"]?.successfulCalls == 1)
        #expect(snapshot.toolMetrics["number"]?.errorTypes == ["internal_error": 1])
        #expect(snapshot.mcp?.serverRequestMetrics["roots/list"]?.totalCalls == 1)
        #expect(snapshot.mcp?.serverRequestMetrics["ping"]?.totalCalls == 1)
        #expect(snapshot.mcp?.inFlightCount == 0)
        #expect(snapshot.mcp?.protocolIssues.isEmpty == true)
    }

    @Test("progress updates the call carrying the token; a cancelled call ends as cancelled; late answers are quiet")
    func progressAndCancel() throws {
        let observer = observer()
        client(observer, call("7", "slow", token: "\"tok\""))
        server(
            observer,
            #"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"tok","progress":2,"total":5,"message":"step\u0007 2"}}"#
        )
        let inFlight = try #require(snapshot().mcp?.inFlight.first)
        #expect(
            inFlight.tool == "slow" && inFlight.progress == 2 && inFlight.total == 5 && inFlight.message == "step 2"
        )
        #expect(inFlight.id == "7")
        client(
            observer,
            #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"user"}}"#
        )
        server(observer, #"{"jsonrpc":"2.0","id":7,"result":{"content":[]}}"#)
        let snapshot = snapshot()
        #expect(snapshot.toolMetrics["slow"]?.errorTypes == ["cancelled": 1])
        #expect(snapshot.toolMetrics["slow"]?.totalCalls == 1)
        #expect(snapshot.mcp?.inFlightCount == 0)
        #expect(snapshot.mcp?.protocolIssues["unmatched_response"] == nil)
    }

    @Test("a batch is observed element by element; non-JSON, invalid messages and strays are counted")
    func violations() throws {
        let observer = observer()
        client(
            observer,
            "[\(call("1", "a")),\(call("2", "b")),{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]"
        )
        server(observer, #"[{"jsonrpc":"2.0","id":1,"result":{}},{"jsonrpc":"2.0","id":2,"result":{"isError":true}}]"#)
        server(observer, "this is not json")
        server(observer, "   ")
        server(observer, #"{"jsonrpc":"2.0","id":99,"result":{}}"#)
        server(observer, #"{"jsonrpc":"2.0","id":{"x":1},"result":{}}"#)
        client(observer, call("3", "a"))
        client(observer, call("3", "a"))
        var invalidUTF8 = Array(#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"caf"#.utf8)
        invalidUTF8 += [0xC3, 0x28] + Array(#""}}"#.utf8)
        invalidUTF8.withUnsafeBufferPointer { _ = observer.clientLine($0, at: .now) }
        // A stray answer waits a second for a request that may still be on its way; then it is unmatched.
        #expect(observer.metrics().protocolIssues["unmatched_response"] == nil)
        _ = observer.metrics(now: .now + .seconds(2))
        let snapshot = snapshot()
        #expect(snapshot.toolMetrics["a"]?.successfulCalls == 1)
        #expect(snapshot.toolMetrics["b"]?.errorTypes == ["tool_error": 1])
        #expect(
            snapshot.mcp?.protocolIssues == [
                "batch": 2, "not_json": 1, "unmatched_response": 1, "invalid_message": 1, "duplicate_id": 1,
            ]
        )
        #expect(snapshot.mcp?.inFlight.contains { $0.tool == "caf\u{FFFD}(" } == true)
    }

    @Test("an answer observed before its request (a server request is observed after it is relayed) completes it")
    func answerFirst() throws {
        let observer = observer()
        let start = ContinuousClock.now
        server(
            observer,
            #"{"jsonrpc":"2.0","id":"r","result":{"isError":true,"content":[{"type":"text","text":"no"}]}}"#,
            at: start + .milliseconds(5)
        )
        client(observer, call("\"r\"", "raced"), at: start)
        client(observer, #"{"jsonrpc":"2.0","id":8,"result":{}}"#, at: start + .milliseconds(2))
        server(observer, #"{"jsonrpc":"2.0","id":8,"method":"ping"}"#, at: start)
        let snapshot = snapshot()
        #expect(snapshot.toolMetrics["raced"]?.errorTypes == ["tool_error": 1])
        #expect(snapshot.toolMetrics["raced"]?.p50LatencyMs == 5)
        #expect(snapshot.mcp?.serverRequestMetrics["ping"]?.p50LatencyMs == 2)
        #expect(snapshot.mcp?.inFlightCount == 0 && snapshot.mcp?.protocolIssues.isEmpty == true)
    }

    @Test("a thousand answers observed before their requests (a pipelined burst) all complete them, errors included")
    func answersFirstInABurst() throws {
        let observer = observer()
        let start = ContinuousClock.now
        for id in 1...1000 {
            let result = id % 10 == 0 ? #"{"isError":true,"content":[]}"# : #"{"content":[]}"#
            server(observer, #"{"jsonrpc":"2.0","id":\#(id),"result":\#(result)}"#, at: start + .milliseconds(3))
        }
        for id in 1...1000 { client(observer, call("\(id)", "burst"), at: start) }
        let snapshot = snapshot()
        #expect(snapshot.toolMetrics["burst"]?.totalCalls == 1000)
        #expect(
            snapshot.toolMetrics["burst"]?.errorTypes == ["tool_error": 100],
            "past the 256 kept whole, an answer keeps its isError"
        )
        #expect(snapshot.mcp?.inFlightCount == 0 && snapshot.mcp?.protocolIssues.isEmpty == true)
    }

    @Test("calls waiting when the server exits end as server_exited; the status is kept")
    func serverExit() throws {
        let observer = observer()
        client(observer, call("1", "crash"))
        client(observer, #"{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"file:///secret"}}"#)
        observer.serverExited(status: 137)
        let snapshot = snapshot()
        #expect(snapshot.toolMetrics["crash"]?.errorTypes == ["server_exited": 1])
        #expect(snapshot.mcp?.methodMetrics["resources/read"]?.errorTypes == ["server_exited": 1])
        #expect(snapshot.mcp?.server.running == false && snapshot.mcp?.server.exitStatus == 137)
        #expect(snapshot.mcp?.recentFailures.count == 2)
        #expect(!String(decoding: snapshot.encodedJSON(), as: UTF8.self).contains("secret"), "never arguments")
    }

    @Test("tool annotations from tools/list are kept as the server claims them")
    func annotations() throws {
        let observer = observer()
        client(observer, #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        server(
            observer,
            #"{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"get_time","inputSchema":{},"annotations":{"readOnlyHint":true,"idempotentHint":true,"title":"Time"}},{"name":"plain","inputSchema":{}}]}}"#
        )
        #expect(
            snapshot().mcp?.toolAnnotations == [
                "get_time": ToolAnnotations(title: "Time", readOnlyHint: true, idempotentHint: true)
            ]
        )
    }

    @Test("a line too long to parse is matched by an id in its head, or by a trailing id")
    func oversized() throws {
        let observer = observer()
        client(observer, call("5", "big"))
        client(observer, call("\"six\"", "big"))
        let head = Array(#"{"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"xxxx"#.utf8)
        let tail = Array(#"xxxxx"}]},"other":{"id":9}}"#.utf8)
        head.withUnsafeBufferPointer { head in
            _ = tail.withUnsafeBufferPointer { observer.oversizedLine(from: .server, head: head, tail: $0, at: .now) }
        }
        let head2 = Array(#"{"result":{"content":[{"type":"text","text":"xxx"#.utf8)
        let tail2 = Array(#"xx"}]},"jsonrpc":"2.0","id":"six"}"#.utf8)
        head2.withUnsafeBufferPointer { head in
            _ = tail2.withUnsafeBufferPointer { observer.oversizedLine(from: .server, head: head, tail: $0, at: .now) }
        }
        let snapshot = snapshot()
        #expect(snapshot.toolMetrics["big"]?.successfulCalls == 2)
        #expect(snapshot.mcp?.protocolIssues == ["oversized_line": 2])
        #expect(snapshot.mcp?.inFlightCount == 0)
    }
}
