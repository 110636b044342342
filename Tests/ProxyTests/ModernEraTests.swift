import Engine
import Foundation
import MCPProxy
import MetricsClient
import MetricsWire
import Testing

/// MCP 2026-07-28 as the observer reads it: calls of several rounds, listen streams, protocol versions, the
/// HTTP request headers — and the bad inputs of each, counted and never fatal.
@Suite("Proxy observer, both protocol eras")
struct ModernEraTests {
    let collector = MetricsCollector()
    let start = ContinuousClock.now

    func observer(cache: ProxyResultCache? = nil) -> ProxyObserver {
        ProxyObserver(
            collector: collector,
            server: MCPServerStatus(name: "test", executable: "test-server", running: true),
            cache: cache
        )
    }

    @discardableResult
    func client(_ observer: ProxyObserver, _ line: String, at ms: Int = 0) -> String? {
        Array(line.utf8).withUnsafeBufferPointer { observer.clientLine($0, at: start + .milliseconds(ms)) }.map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    func server(_ observer: ProxyObserver, _ line: String, at ms: Int = 0) {
        Array(line.utf8).withUnsafeBufferPointer { observer.serverLine($0, at: start + .milliseconds(ms)) }
    }

    static let meta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}"#

    /// A 2026-07-28 request of `method` naming `target` (`uri` for `resources/read`), continuing with
    /// `retry` (members such as `"requestState":"s1"`).
    func request(_ id: Int, _ method: String = "tools/call", _ target: String = "greet", retry: String = "") -> String {
        let name = method == "resources/read" ? #""uri":"\#(target)""# : #""name":"\#(target)","arguments":{}"#
        let extra = retry.isEmpty ? "" : retry + ","
        return #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":{\#(extra)\#(name),\#(Self.meta)}}"#
    }

    func inputRequired(_ id: Int, state: String? = #""s1""#) -> String {
        let requestState = state.map { #","requestState":\#($0)"# } ?? ""
        return
            #"{"jsonrpc":"2.0","id":\#(id),"result":{"resultType":"input_required","inputRequests":{"q":{"method":"elicitation/create","params":{}}}\#(requestState)}}"#
    }

    func complete(_ id: Int) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"result":{"resultType":"complete","content":[{"type":"text","text":"hi"}]}}"#
    }

    @Test(
        "a call answered input_required, then retried with its requestState, is one call: rounds' own times summed, the wait apart",
        arguments: [("tools/call", "greet"), ("prompts/get", "review"), ("resources/read", "file:///a.txt")]
    )
    func multiRound(method: String, target: String) throws {
        let observer = observer()
        client(observer, request(1, method, target), at: 0)
        server(observer, inputRequired(1), at: 5)
        var mcp = observer.metrics(now: start + .milliseconds(100))
        #expect(mcp.inFlightCount == 0, "between rounds the server is not working on it")
        #expect(mcp.awaitingInput == 1)
        client(
            observer,
            request(2, method, target, retry: #""inputResponses":{"q":{"action":"accept"}},"requestState":"s1""#),
            at: 505
        )
        mcp = observer.metrics(now: start + .milliseconds(510))
        #expect(mcp.inFlight.first?.round == 2)
        #expect(mcp.awaitingInput == nil)
        server(observer, complete(2), at: 515)
        let snapshot = collector.snapshot(maxAge: .zero)
        let metrics = try #require(
            method == "tools/call" ? snapshot.toolMetrics[target] : snapshot.mcp?.methodMetrics[method]
        )
        #expect(metrics.totalCalls == 1 && metrics.successfulCalls == 1)
        #expect(metrics.p50LatencyMs == 15, "5 ms + 10 ms of the server's, not the 500 ms wait")
        #expect(metrics.rounds == CallRounds(rounds: 2, multiRoundCalls: 1, inputWaitMs: 500, abandonedCalls: 0))
        #expect(snapshot.mcp?.protocolIssues == [:])
        #expect(snapshot.mcp?.requestsByVersion == ["2026-07-28": 2])
    }

    @Test("three rounds: each retry carries the newest state; a call of one round has no round counts")
    func threeRounds() throws {
        let observer = observer()
        client(observer, request(1), at: 0)
        server(observer, inputRequired(1, state: #""a""#), at: 2)
        client(observer, request(2, retry: #""requestState":"a""#), at: 102)
        server(observer, inputRequired(2, state: #""b""#), at: 106)
        client(observer, request(3, retry: #""requestState":"b""#), at: 306)
        server(observer, complete(3), at: 312)
        client(observer, request(4, "tools/call", "echo"), at: 400)
        server(observer, complete(4), at: 401)
        let snapshot = collector.snapshot(maxAge: .zero)
        let greet = try #require(snapshot.toolMetrics["greet"])
        #expect(greet.totalCalls == 1 && greet.p50LatencyMs == 12)
        #expect(greet.rounds == CallRounds(rounds: 3, multiRoundCalls: 1, inputWaitMs: 300, abandonedCalls: 0))
        #expect(snapshot.toolMetrics["echo"]?.rounds == nil)
    }

    @Test("a round never continued is abandoned after 10 minutes, or when the client leaves: shown, not a failure")
    func abandoned() throws {
        let observer = observer()
        client(observer, request(1), at: 0)
        server(observer, inputRequired(1), at: 5)
        _ = observer.metrics(now: start + .seconds(599))
        #expect(collector.snapshot(maxAge: .zero).toolMetrics["greet"] == nil)
        let mcp = observer.metrics(now: start + .seconds(601))
        #expect(mcp.awaitingInput == nil && mcp.recentFailures.isEmpty)
        let greet = try #require(collector.snapshot(maxAge: .zero).toolMetrics["greet"])
        #expect(greet.totalCalls == 0 && greet.failedCalls == 0)
        #expect(greet.rounds == CallRounds(rounds: 1, multiRoundCalls: 0, inputWaitMs: 0, abandonedCalls: 1))
        // A retry after that is a call of its own, and says so.
        client(observer, request(2, retry: #""requestState":"s1""#), at: 700_000)
        #expect(observer.metrics().protocolIssues == ["unknown_request_state": 1])

        let other = ModernEraTests()
        let second = other.observer()
        other.client(second, other.request(1, "prompts/get", "p"), at: 0)
        other.server(second, other.inputRequired(1), at: 1)
        second.clientClosed()
        #expect(second.metrics().awaitingInput == nil)
        #expect(other.collector.snapshot(maxAge: .zero).mcp?.methodMetrics["prompts/get"]?.rounds?.abandonedCalls == 1)
        let third = other.observer()
        other.client(third, other.request(7), at: 0)
        other.server(third, other.inputRequired(7, state: #""x""#), at: 1)
        third.serverExited(status: 0)
        #expect(other.collector.snapshot(maxAge: .zero).toolMetrics["greet"]?.rounds?.abandonedCalls == 1)
    }

    @Test("bad input: unknown state, another tool's state, a resultType that is not a string, no requestState")
    func badRounds() throws {
        let observer = observer()
        // A retry whose state no round gave: counted, and a call of its own.
        client(observer, request(1, retry: #""requestState":"nobody""#), at: 0)
        server(observer, complete(1), at: 4)
        // A state given for greet, presented by a call of another tool: not linked.
        client(observer, request(2), at: 10)
        server(observer, inputRequired(2, state: #""g""#), at: 12)
        client(observer, request(3, "tools/call", "other", retry: #""requestState":"g""#), at: 20)
        server(observer, complete(3), at: 21)
        // resultType 7: read as complete.
        client(observer, request(4, "tools/call", "typed"), at: 30)
        server(observer, #"{"jsonrpc":"2.0","id":4,"result":{"resultType":7,"content":[]}}"#, at: 33)
        // input_required without requestState: the retry (inputResponses only) still continues it.
        client(observer, request(5, "tools/call", "stateless"), at: 40)
        server(observer, inputRequired(5, state: nil), at: 41)
        client(observer, request(6, "tools/call", "stateless", retry: #""inputResponses":{}"#), at: 141)
        server(observer, complete(6), at: 143)
        // input_required on a method that may not take rounds: counted, read as its answer.
        client(observer, #"{"jsonrpc":"2.0","id":8,"method":"tools/list","params":{\#(Self.meta)}}"#, at: 150)
        server(observer, inputRequired(8), at: 151)
        let snapshot = collector.snapshot(maxAge: .zero)
        let mcp = try #require(snapshot.mcp)
        #expect(
            mcp.protocolIssues == [
                "unknown_request_state": 1, "request_state_mismatch": 1, "invalid_result_type": 1,
                "input_required_without_state": 1, "unexpected_input_required": 1,
            ]
        )
        #expect(snapshot.toolMetrics["greet"]?.totalCalls == 1, "the first call of greet, no retry linked")
        #expect(snapshot.toolMetrics["other"]?.totalCalls == 1)
        #expect(snapshot.toolMetrics["typed"]?.successfulCalls == 1)
        #expect(snapshot.toolMetrics["stateless"]?.rounds?.rounds == 2)
        #expect(snapshot.toolMetrics["stateless"]?.p50LatencyMs == 3)
        #expect(mcp.methodMetrics["tools/list"]?.totalCalls == 1)
        #expect(mcp.awaitingInput == 1, "greet's round with state g still waits")
        #expect(mcp.inFlightCount == 0)
    }

    @Test("a listen stream is a stream: events by type, closed by the server's answer, never a call")
    func listen() throws {
        let observer = observer()
        let listen =
            #"{"jsonrpc":"2.0","id":"listen-1","method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},\#(Self.meta)}}"#
        client(observer, listen, at: 0)
        let tagged = #""_meta":{"io.modelcontextprotocol/subscriptionId":"listen-1"}"#
        server(
            observer,
            #"{"jsonrpc":"2.0","method":"notifications/subscriptions/acknowledged","params":{\#(tagged)}}"#,
            at: 1
        )
        client(observer, request(2, "tools/call", "echo"), at: 10)
        server(observer, complete(2), at: 12)
        for offset in 0..<3 {
            server(
                observer,
                #"{"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{\#(tagged)}}"#,
                at: 20 + offset
            )
        }
        var mcp = observer.metrics(now: start + .seconds(6))
        #expect(mcp.inFlightCount == 0, "an open stream is not a call in flight")
        var streams = try #require(mcp.streams)
        #expect(streams.openCount == 1 && streams.opened == 1)
        #expect(
            streams.open.first
                == OpenStream(kind: "subscriptions/listen", id: #""listen-1""#, elapsedMs: 6000, events: 4)
        )
        #expect(
            streams.events == ["notifications/subscriptions/acknowledged": 1, "notifications/tools/list_changed": 3]
        )
        server(
            observer,
            #"{"jsonrpc":"2.0","id":"listen-1","result":{"resultType":"complete","_meta":{"io.modelcontextprotocol/subscriptionId":"listen-1"}}}"#,
            at: 6_000
        )
        mcp = observer.metrics(now: start + .seconds(7))
        streams = try #require(mcp.streams)
        #expect(streams.openCount == 0 && streams.closed == 1 && streams.closedAbruptly == 0)
        #expect(streams.closedDurationMs == 6000 && streams.maxDurationMs == 6000)
        #expect(mcp.methodMetrics["subscriptions/listen"] == nil, "never in the latencies")
        #expect(mcp.protocolIssues == [:])
        #expect(collector.snapshot(maxAge: .zero).toolMetrics.keys.sorted() == ["echo"])
    }

    @Test("a listen stream ends by the client's cancellation, an error answer, or abruptly with the server")
    func listenEnds() throws {
        let observer = observer()
        client(
            observer,
            #"{"jsonrpc":"2.0","id":1,"method":"subscriptions/listen","params":{"notifications":{}}}"#,
            at: 0
        )
        client(observer, #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#, at: 50)
        client(
            observer,
            #"{"jsonrpc":"2.0","id":2,"method":"subscriptions/listen","params":{"notifications":{}}}"#,
            at: 60
        )
        server(observer, #"{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"Method not found"}}"#, at: 61)
        client(
            observer,
            #"{"jsonrpc":"2.0","id":3,"method":"subscriptions/listen","params":{"notifications":{}}}"#,
            at: 70
        )
        #expect(observer.metrics().streams?.openCount == 1)
        observer.serverExited(status: 1, at: start + .milliseconds(90))
        let mcp = observer.metrics()
        let streams = try #require(mcp.streams)
        #expect(streams.opened == 3 && streams.closed == 3 && streams.openCount == 0)
        #expect(streams.closedAbruptly == 1)
        #expect(mcp.protocolIssues == ["stream_ended_abruptly": 1])
        #expect(mcp.recentFailures.map(\.method) == ["subscriptions/listen"])
        #expect(mcp.recentFailures.first?.errorType == "method_not_found")
        #expect(mcp.inFlightCount == 0 && mcp.methodMetrics.isEmpty)
    }

    @Test("the client closing its side first makes a server's exit with listens open no issue")
    func listenAfterClientClosed() throws {
        let observer = observer()
        client(
            observer,
            #"{"jsonrpc":"2.0","id":1,"method":"subscriptions/listen","params":{"notifications":{}}}"#,
            at: 0
        )
        observer.clientClosed()
        observer.serverExited(status: 0)
        #expect(observer.metrics().protocolIssues == [:])
        #expect(observer.metrics().streams?.closed == 1)
    }

    @Test("a GET SSE stream (handshake era) counts the messages on it and is never a call")
    func getStream() throws {
        let observer = observer()
        let number = observer.getStreamOpened(session: "s", at: start)
        let message = #"{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"x"}}"#
        for _ in 0..<2 {
            Array(message.utf8).withUnsafeBufferPointer {
                observer.serverMessage($0, session: "s", stream: number, at: start + .milliseconds(5))
            }
        }
        var streams = try #require(observer.metrics(now: start + .seconds(1)).streams)
        #expect(streams.open == [OpenStream(kind: "GET", elapsedMs: 1000, events: 2)])
        observer.getStreamEnded(number, at: start + .seconds(2))
        streams = try #require(observer.metrics().streams)
        #expect(streams.closed == 1 && streams.closedAbruptly == 0 && streams.events == ["notifications/message": 2])
        #expect(observer.metrics().inFlightCount == 0)
    }

    @Test("requests are counted by version: a 2026-07-28 request's own, a handshake session's from initialize")
    func versions() throws {
        let observer = observer()
        client(observer, #"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{\#(Self.meta)}}"#, at: 0)
        server(observer, #"{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found"}}"#, at: 1)
        client(
            observer,
            #"{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}"#,
            at: 2
        )
        server(
            observer,
            #"{"jsonrpc":"2.0","id":2,"result":{"protocolVersion":"2025-06-18","serverInfo":{"name":"old"}}}"#,
            at: 3
        )
        client(observer, #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, at: 4)
        client(observer, #"{"jsonrpc":"2.0","id":3,"method":"tools/list"}"#, at: 5)
        let mcp = observer.metrics()
        #expect(mcp.requestsByVersion == ["2026-07-28": 1, "2025-06-18": 2], "initialize counts as agreed")
        #expect(mcp.era == .both(modern: "2026-07-28", handshake: "2025-06-18"))
        let methods = collector.snapshot(maxAge: .zero).mcp?.methodMetrics
        #expect(methods?["server/discover"]?.failedCalls == 1, "measured like any method")

        let modern = ModernEraTests()
        let stateless = modern.observer()
        modern.client(
            stateless,
            #"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"cli","version":"2"}}}}"#
        )
        modern.server(
            stateless,
            #"{"jsonrpc":"2.0","id":1,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],"ttlMs":0,"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"new","version":"1"}}}}"#
        )
        let snapshot = modern.collector.snapshot(maxAge: .zero)
        let server = try #require(snapshot.mcp?.server)
        #expect(server.supportedVersions == ["2026-07-28"])
        #expect(server.implementation == MCPPeerInfo(name: "new", version: "1"))
        #expect(server.client == MCPPeerInfo(name: "cli", version: "2"))
        #expect(snapshot.mcp?.era == .modern("2026-07-28"))
        #expect(snapshot.mcp?.era?.hasSessions == false)
        #expect(snapshot.systemMetrics.activeSessions == 0)
    }

    @Test("Mcp-Method and Mcp-Name that disagree with the body are counted; the request is observed as usual")
    func headers() throws {
        let observer = ProxyObserver(
            collector: collector,
            server: MCPServerStatus(name: "test", executable: "t", running: true),
            sessionsByID: true
        )
        func post(_ body: String, _ headers: MCPRequestHeaders?) -> [RPCID] {
            Array(body.utf8).withUnsafeBufferPointer {
                observer.clientMessage($0, session: "", headers: headers, at: start).requests
            }
        }
        let body = request(1, "tools/call", "héllo")
        #expect(post(body, MCPRequestHeaders(method: "tools/call", name: "=?base64?aMOpbGxv?=")) == [.number("1")])
        #expect(post(request(2), MCPRequestHeaders(method: "tools/call", name: "greet")) == [.number("2")])
        #expect(post(request(3), MCPRequestHeaders(method: "tools/list", name: "greet")) == [.number("3")])
        #expect(post(request(4), MCPRequestHeaders(method: "tools/call", name: "other")) == [.number("4")])
        #expect(post(request(5), MCPRequestHeaders(method: "tools/call", name: "=?base64?!!!?=")) == [.number("5")])
        #expect(post(request(6), MCPRequestHeaders(method: "tools/call")) == [.number("6")])
        let legacy = #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x"}}"#
        #expect(post(legacy, nil) == [.number("7")])
        #expect(observer.metrics().protocolIssues == ["header_mismatch": 3, "header_missing": 1])
        #expect(observer.metrics().inFlightCount == 7)
    }

    @Test("answers observed before their requests (the relay forwards first) still end rounds and teach the observer")
    func earlyAnswers() throws {
        let observer = observer()
        server(
            observer,
            #"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25","serverInfo":{"name":"s"}}}"#,
            at: 2
        )
        client(
            observer,
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}"#,
            at: 0
        )
        server(observer, inputRequired(1), at: 5)
        client(observer, request(1), at: 1)
        server(observer, complete(2), at: 120)
        client(observer, request(2, retry: #""requestState":"s1""#), at: 105)
        server(
            observer,
            #"{"jsonrpc":"2.0","method":"notifications/subscriptions/acknowledged","params":{"_meta":{"io.modelcontextprotocol/subscriptionId":"l"}}}"#,
            at: 127
        )
        server(observer, #"{"jsonrpc":"2.0","id":"l","result":{"resultType":"complete"}}"#, at: 130)
        client(
            observer,
            #"{"jsonrpc":"2.0","id":"l","method":"subscriptions/listen","params":{\#(Self.meta)}}"#,
            at: 125
        )
        let snapshot = collector.snapshot(maxAge: .zero)
        let mcp = try #require(snapshot.mcp)
        #expect(mcp.server.implementation?.name == "s" && mcp.server.protocolVersion == "2025-11-25")
        #expect(snapshot.systemMetrics.activeSessions == 1)
        let greet = try #require(snapshot.toolMetrics["greet"])
        #expect(greet.totalCalls == 1 && greet.p50LatencyMs == 19, "4 ms + 15 ms")
        #expect(greet.rounds == CallRounds(rounds: 2, multiRoundCalls: 1, inputWaitMs: 100, abandonedCalls: 0))
        #expect(mcp.streams?.opened == 1 && mcp.streams?.closed == 1 && mcp.streams?.openCount == 0)
        #expect(mcp.streams?.events == ["notifications/subscriptions/acknowledged": 1])
        #expect(mcp.inFlightCount == 0 && mcp.protocolIssues.isEmpty)
    }

    @Test("a request observed after the server exited (it was forwarded first) ends as server_exited, not in flight")
    func afterExit() throws {
        let observer = observer()
        observer.serverExited(status: 1, at: start)
        client(observer, request(1, "tools/call", "echo"), at: 0)
        let snapshot = collector.snapshot(maxAge: .zero)
        #expect(snapshot.mcp?.inFlightCount == 0)
        #expect(snapshot.toolMetrics["echo"]?.errorTypes == ["server_exited": 1])

        // One the server answered before it exited, observed after both: answered, not server_exited.
        let other = ModernEraTests()
        let answeredFirst = other.observer()
        other.server(answeredFirst, other.complete(2), at: 3)
        answeredFirst.serverExited(status: 0, at: other.start + .milliseconds(4))
        other.client(answeredFirst, other.request(2, "tools/call", "echo"), at: 1)
        let echo = try #require(other.collector.snapshot(maxAge: .zero).toolMetrics["echo"])
        #expect(echo.successfulCalls == 1 && echo.p50LatencyMs == 2)
    }
}
