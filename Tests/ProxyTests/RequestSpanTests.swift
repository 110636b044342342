import Engine
import Foundation
import MetricsClient
import MetricsWire
import Testing

@testable import MCPProxy

/// The spans the observer makes of the requests it sees end: one per request (per round of a multi-round
/// call, linked by their call), with the caller's trace context from `_meta`, progress as events, errors —
/// and nothing of arguments or results.
@Suite("Proxy observer: request spans")
struct RequestSpanTests {
    /// Keeps the spans handed to it (with the calls' payloads when `wantsPayloads`).
    final class Spans: SpanSink {
        let wantsPayloads: Bool
        let ended = Guarded<[RequestSpan]>([])
        init(wantsPayloads: Bool = false) { self.wantsPayloads = wantsPayloads }
        func spanEnded(_ span: RequestSpan) { ended.withLock { $0.append(span) } }
        /// A proxy makes no operation spans: one arriving here fails the test.
        func operationEnded(_ span: OperationSpan) { Issue.record("a proxy made an operation span: \(span.name)") }
        var all: [RequestSpan] { ended.withLock { $0 } }
    }

    let collector = MetricsCollector()
    let spans = Spans()
    let start = ContinuousClock.now
    static let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    func observer(_ spans: Spans? = nil) -> ProxyObserver {
        ProxyObserver(
            collector: collector,
            server: MCPServerStatus(name: "test", executable: "test-server", running: true),
            spans: spans ?? self.spans
        )
    }

    func client(_ observer: ProxyObserver, _ line: String, at ms: Int) {
        _ = Array(line.utf8).withUnsafeBufferPointer { observer.clientLine($0, at: start + .milliseconds(ms)) }
    }

    func server(_ observer: ProxyObserver, _ line: String, at ms: Int) {
        Array(line.utf8).withUnsafeBufferPointer { observer.serverLine($0, at: start + .milliseconds(ms)) }
    }

    @Test("a tools/call: its span continues the caller's trace, times the call, keeps progress as events")
    func toolCall() throws {
        let observer = observer()
        client(
            observer,
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}"#,
            at: 0
        )
        server(
            observer,
            #"{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25","capabilities":{}}}"#,
            at: 1
        )
        let meta =
            #"{"traceparent":"\#(Self.traceparent)","tracestate":"k=v","baggage":"b=1","progressToken":"p","secret":"x"}"#
        client(
            observer,
            #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"search","arguments":{"q":"s3cr3t"},"_meta":\#(meta)}}"#,
            at: 10
        )
        for step in 1...3 {
            server(
                observer,
                #"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p","progress":\#(step),"total":3,"message":"step \#(step)"}}"#,
                at: 10 + step
            )
        }
        server(observer, #"{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"found"}]}}"#, at: 25)
        let all = spans.all
        #expect(all.map(\.method) == ["initialize", "tools/call"])
        let call = try #require(all.last)
        #expect(call.target == "search" && call.tool == "search" && call.requestID == "7" && !call.fromServer)
        #expect(call.parent == TraceParent(traceparent: Self.traceparent, tracestate: "k=v", baggage: "b=1"))
        #expect(call.protocolVersion == "2025-11-25")
        #expect(call.end - call.start == .milliseconds(15))
        #expect(call.errorType == nil && call.round == 1 && !call.asksForInput)
        #expect(call.progress.map(\.progress) == [1, 2, 3] && call.progress.last?.message == "step 3")
        #expect(call.progress.map { $0.instant - start } == [.milliseconds(11), .milliseconds(12), .milliseconds(13)])
        #expect(all.first?.parent == nil, "a request without a traceparent starts a trace")
        // Nothing of the arguments, the result or other `_meta` is in a span.
        #expect(!"\(all)".contains("s3cr3t") && !"\(all)".contains("found") && !"\(all)".contains("secret"))
    }

    @Test("failures: a tool error, a JSON-RPC error, a cancellation; a server's request is marked as the server's")
    func failures() throws {
        let observer = observer()
        client(observer, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"}}"#, at: 0)
        server(
            observer,
            #"{"jsonrpc":"2.0","id":1,"result":{"isError":true,"content":[{"type":"text","text":"no"}]}}"#,
            at: 1
        )
        client(observer, #"{"jsonrpc":"2.0","id":2,"method":"resources/list"}"#, at: 2)
        server(observer, #"{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"Method not found"}}"#, at: 3)
        client(observer, #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"b"}}"#, at: 4)
        client(observer, #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}"#, at: 5)
        server(observer, #"{"jsonrpc":"2.0","id":"s1","method":"sampling/createMessage","params":{}}"#, at: 6)
        client(observer, #"{"jsonrpc":"2.0","id":"s1","result":{"content":{"type":"text","text":"ok"}}}"#, at: 8)
        let all = spans.all
        #expect(all.map(\.errorType) == ["tool_error", "-32601", "cancelled", nil])
        #expect(all[1].message == "Method not found")
        #expect(all.map(\.fromServer) == [false, false, false, true])
        #expect(all[3].requestID == #""s1""# && all[3].method == "sampling/createMessage")
    }

    @Test("a multi-round call (2026-07-28): a span per round, all of one call, the last one complete")
    func rounds() throws {
        let observer = observer()
        let meta =
            #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","traceparent":"\#(Self.traceparent)"}"#
        client(observer, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet",\#(meta)}}"#, at: 0)
        server(
            observer,
            #"{"jsonrpc":"2.0","id":1,"result":{"resultType":"input_required","inputRequests":{},"requestState":"s1"}}"#,
            at: 5
        )
        client(observer, #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"other"}}"#, at: 6)
        server(observer, #"{"jsonrpc":"2.0","id":9,"result":{"content":[]}}"#, at: 7)
        client(
            observer,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"greet","requestState":"s1","inputResponses":{},\#(meta)}}"#,
            at: 20
        )
        server(observer, #"{"jsonrpc":"2.0","id":2,"result":{"resultType":"complete","content":[]}}"#, at: 30)
        let all = spans.all
        #expect(all.map(\.requestID) == ["1", "9", "2"])
        #expect(all.map(\.round) == [1, 1, 2] && all.map(\.asksForInput) == [true, false, false])
        #expect(all[0].call == all[2].call && all[1].call != all[0].call)
        #expect(all[0].protocolVersion == "2026-07-28" && all[2].end - all[2].start == .milliseconds(10))
    }

    @Test("bad trace context is not kept: too long, not a string; at most 100 progress events")
    func bounds() throws {
        let observer = observer()
        let long = String(repeating: "a", count: 600)
        client(
            observer,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","_meta":{"traceparent":"\#(long)","progressToken":1}}}"#,
            at: 0
        )
        for step in 0..<150 {
            server(
                observer,
                #"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":\#(step)}}"#,
                at: 1
            )
        }
        server(observer, #"{"jsonrpc":"2.0","id":1,"result":{}}"#, at: 2)
        client(
            observer,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"a","_meta":{"traceparent":7}}}"#,
            at: 3
        )
        server(observer, #"{"jsonrpc":"2.0","id":2,"result":{}}"#, at: 4)
        let all = spans.all
        #expect(all.count == 2 && all.allSatisfy { $0.parent == nil })
        #expect(all[0].progress.count == RequestSpan.maxProgressMarks && all[0].progress.last?.progress == 99)
    }

    @Test("--otlp-payloads: a call's arguments and result, secret-looking values redacted at any depth, cut at 4 KiB")
    func payloads() throws {
        let spans = Spans(wantsPayloads: true)
        let observer = self.observer(spans)
        let arguments =
            #"{"q":"find","nested":[{"API-Key":"k1","Authorization":"Bearer t"}],"max_tokens":5,"password":{"a":1}}"#
        client(
            observer,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"s","arguments":\#(arguments)}}"#,
            at: 0
        )
        server(
            observer,
            #"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ok"}],"token":"t2"}}"#,
            at: 1
        )
        let long = String(repeating: "x", count: 5000)
        client(
            observer,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"s","arguments":{"text":"\#(long)"}}}"#,
            at: 2
        )
        server(observer, #"{"jsonrpc":"2.0","id":2,"result":{}}"#, at: 3)
        client(
            observer,
            #"{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{"name":"p","arguments":{"a":"b"}}}"#,
            at: 4
        )
        server(observer, #"{"jsonrpc":"2.0","id":3,"result":{"messages":[]}}"#, at: 5)
        let all = spans.all
        #expect(
            all[0].arguments
                == #"{"q":"find","nested":[{"API-Key":"‹redacted›","Authorization":"‹redacted›"}],"max_tokens":5,"password":"‹redacted›"}"#
        )
        #expect(all[0].result == #"{"content":[{"type":"text","text":"ok"}],"token":"‹redacted›"}"#)
        let cut = try #require(all[1].arguments)
        #expect(cut.utf8.count <= RequestSpan.maxPayloadBytes && cut.hasSuffix("…") && cut.hasPrefix(#"{"text":"xxx"#))
        #expect(all[2].arguments == nil && all[2].result == nil, "payloads of tool calls only")
        // Without the opt-in, nothing.
        #expect(self.spans.all.isEmpty)
        let plain = self.observer(self.spans)
        client(
            plain,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"s","arguments":\#(arguments)}}"#,
            at: 0
        )
        server(plain, #"{"jsonrpc":"2.0","id":1,"result":{}}"#, at: 1)
        #expect(self.spans.all.first?.arguments == nil && self.spans.all.first?.result == nil)
    }
}
