import AsyncHTTPClient
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import MCPProxy
import MetricsClient
import MetricsWire
import NIOCore
import TestSupport
import Testing

/// The HTTP proxy between a real client and a Hummingbird upstream of the test's own that misbehaves on
/// purpose: streams slowly, drops a stream mid-event, asks for credentials, never answers, sends
/// malformed SSE, takes 100 MB bodies and holds 500 streams open.
@Suite("HTTP proxy", .serialized)
struct HTTPProxyTests {
    final class Instants: Sendable {
        let values = Guarded<[ContinuousClock.Instant]>([])
        func add() { values.withLock { $0.append(.now) } }
        var all: [ContinuousClock.Instant] { values.withLock { $0 } }
    }

    static func sse(_ messages: [String]) -> String {
        messages.map { "event: message\ndata: \($0)\n\n" }.joined()
    }

    static let streamHeaders: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]

    @Test("an SSE answer is relayed event by event as the upstream sends it, and its response is timed")
    func slowStream() async throws {
        let sent = Instants()
        let router = Router()
        router.post("/mcp") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(
                status: .ok,
                headers: Self.streamHeaders,
                body: ResponseBody { writer in
                    for step in 1...4 {
                        try await Task.sleep(for: .milliseconds(100))
                        let progress =
                            #"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p1","progress":\#(step),"total":5}}"#
                        sent.add()
                        try await writer.write(ByteBuffer(string: Self.sse([progress])))
                    }
                    try await Task.sleep(for: .milliseconds(100))
                    sent.add()
                    try await writer.write(
                        ByteBuffer(string: Self.sse([#"{"jsonrpc":"2.0","id":7,"result":{"content":[]}}"#]))
                    )
                    try await writer.finish(nil)
                }
            )
        }
        // The real binary in a process of its own between an upstream and a client on blocking sockets: the
        // upstream sends each event only once the client has had the one before, so a relay that held events
        // back (buffered them, or waited for the stream's end) never lets the stream finish. How soon an event
        // gets through is a figure of the release build, in scripts/bench-sse-relay.sh and BENCHMARKS.md.
        let delivered = try await eventsDeliveredOneByOne()
        #expect(delivered.gated == 5, "events sent only after the client had the one before: \(delivered)")
        #expect(delivered.received == 5)
        // The call is timed to the event that carried its response.
        try await HTTPProxyHarness.with(upstream: router) { proxy in
            let body =
                #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"long","arguments":{},"_meta":{"progressToken":"p1"}}}"#
            let response = try await proxy.client.execute(proxy.post(body), timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 20)
            let tool = try #require(await proxy.tool("long"))
            #expect(tool.totalCalls == 1 && tool.failedCalls == 0)
            #expect(tool.p50LatencyMs >= 450 && tool.p50LatencyMs < 5_000)
        }
    }

    /// Five SSE events through the proxy, each sent by the upstream once the client has the one before (or
    /// after 10 s without it): how many were sent that way, and how many the client got.
    func eventsDeliveredOneByOne() async throws -> (gated: Int, received: Int) {
        let upstream = try RawSSEUpstream()
        let proxy = try await HTTPProxyProcess(upstream: "http://127.0.0.1:\(upstream.port)/mcp")
        defer { proxy.stop() }
        let received = Guarded((count: 0, text: ""))
        let arrived = DispatchSemaphore(value: 0)
        let gated = Guarded(0)
        upstream.serve(
            events: (1...4).map { step in
                Self.sse([
                    #"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p1","progress":\#(step),"total":5}}"#
                ])
            } + [Self.sse([#"{"jsonrpc":"2.0","id":7,"result":{"content":[]}}"#])],
            before: { index in
                while received.withLock({ $0.count }) < index {
                    guard arrived.wait(timeout: .now() + 10) == .success else { return }
                }
                gated.withLock { $0 += 1 }
            }
        )
        let body =
            #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"long","arguments":{},"_meta":{"progressToken":"p1"}}}"#
        let request =
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Accept: application/json, text/event-stream\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + body
        let reads = try await RawHTTP.exchange(port: proxy.port, request: request) { chunk in
            received.withLock { received in
                received.text += String(decoding: chunk, as: UTF8.self)
                received.count = received.text.components(separatedBy: "\n\n").count - 1
            }
            arrived.signal()
        }
        let bytes = reads.map { String(decoding: $0.1, as: UTF8.self) }.joined()
        #expect(bytes.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(bytes.lowercased().contains("content-type: text/event-stream\r\n"))
        #expect(bytes.contains(#"data: {"jsonrpc":"2.0","id":7,"result":{"content":[]}}"# + "\n\n"))
        return (gated.withLock { $0 }, received.withLock { $0.count })
    }

    @Test("a stream the upstream drops mid-event reaches the client cut short; the call fails upstream_dropped")
    func droppedStream() async throws {
        struct Dropped: Error {}
        let router = Router()
        router.post("/mcp") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(
                status: .ok,
                headers: Self.streamHeaders,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: #"event: message\#ndata: {"jsonrpc":"2.0","id":3,"res"#))
                    try await Task.sleep(for: .milliseconds(50))
                    throw Dropped()
                }
            )
        }
        try await HTTPProxyHarness.with(upstream: router) { proxy in
            let response = try await proxy.client.execute(
                proxy.post(HTTPProxyHarness.call(3, "drops")),
                timeout: .seconds(10)
            )
            var bytes = ""
            var ended: (any Error)?
            do {
                for try await chunk in response.body { bytes += String(buffer: chunk) }
            } catch {
                ended = error
            }
            #expect(bytes == #"event: message\#ndata: {"jsonrpc":"2.0","id":3,"res"#)
            #expect(ended != nil, "the client must see the stream end abnormally, as the upstream ended it")
            let tool = try #require(await proxy.tool("drops"))
            #expect(tool.failedCalls == 1)
            #expect(tool.errorTypes == ["upstream_dropped": 1])
        }
    }

    @Test("a 401 with WWW-Authenticate is passed through unchanged and counted as http_401")
    func unauthorized() async throws {
        let router = Router()
        let seen = Guarded<String?>(nil)
        router.post("/mcp") { request, _ -> Response in
            seen.withLock { $0 = request.headers[.authorization] }
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: #"Bearer resource_metadata="http://127.0.0.1/.well-known/oauth""#],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "no"))
            )
        }
        try await HTTPProxyHarness.with(upstream: router) { proxy in
            let request = proxy.post(
                HTTPProxyHarness.call(1, "guarded"),
                headers: [("Authorization", "Bearer wrong-token")]
            )
            let response = try await proxy.client.execute(request, timeout: .seconds(10))
            #expect(response.status == .unauthorized)
            #expect(
                response.headers.first(name: "www-authenticate")
                    == #"Bearer resource_metadata="http://127.0.0.1/.well-known/oauth""#
            )
            #expect(String(buffer: try await response.body.collect(upTo: 1024)) == "no")
            #expect(seen.withLock { $0 } == "Bearer wrong-token")
            let tool = try #require(await proxy.tool("guarded"))
            #expect(tool.errorTypes == ["http_401": 1])
            let metrics = try #require(proxy.snapshot().mcp)
            #expect(!"\(metrics)".contains("wrong-token"), "a credential must never reach the metrics")
        }
    }

    @Test("an upstream that never answers gets the client a 504 in time; a closed port a 502, at once")
    func silentAndDown() async throws {
        let router = Router()
        router.post("/mcp") { _, _ -> Response in
            try await Task.sleep(for: .seconds(60))
            return Response(status: .ok)
        }
        try await HTTPProxyHarness.with(upstream: router, responseTimeout: .milliseconds(500)) { proxy in
            let started = ContinuousClock.now
            let response = try await proxy.client.execute(
                proxy.post(HTTPProxyHarness.call(41, "hangs")),
                timeout: .seconds(10)
            )
            #expect(response.status == .gatewayTimeout)
            #expect(ContinuousClock.now - started < timeBound(.seconds(3)))
            let body = String(buffer: try await response.body.collect(upTo: 4096))
            #expect(body.contains(#""id":41"#))
            #expect(body.contains(#"127.0.0.1:\#(proxy.upstreamPort) did not answer within 500ms"#))
            #expect(try #require(await proxy.tool("hangs")).errorTypes == ["upstream_timeout": 1])
        }
        try await HTTPProxyHarness.with(upstream: nil) { proxy in
            let started = ContinuousClock.now
            let response = try await proxy.client.execute(
                proxy.post(HTTPProxyHarness.call(42, "down")),
                timeout: .seconds(10)
            )
            #expect(response.status == .badGateway)
            #expect(ContinuousClock.now - started < timeBound(.seconds(2)))
            let body = String(buffer: try await response.body.collect(upTo: 4096))
            #expect(body.hasPrefix(#"{"jsonrpc":"2.0","id":42,"error":{"code":-32000"#))
            let error = try #require(
                (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["error"] as? [String: Any]
            )
            #expect((error["message"] as? String)?.contains("cannot reach the upstream http://127.0.0.1:1") == true)
            #expect(try #require(await proxy.tool("down")).errorTypes == ["upstream_unreachable": 1])
        }
    }

    @Test("malformed SSE is forwarded unchanged and counted; the response after it is still matched")
    func malformedStream() async throws {
        let stream =
            "data: this is not json\n\n: a comment\nno colon at all\nevent: message\r\ndata: {\"jsonrpc\":\"2.0\",\r\ndata: \"id\":5,\"result\":{}}\r\n\r\ndata: {\"unterminated\":"
        let router = Router()
        router.post("/mcp") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(
                status: .ok,
                headers: Self.streamHeaders,
                body: ResponseBody(byteBuffer: ByteBuffer(string: stream))
            )
        }
        try await HTTPProxyHarness.with(upstream: router) { proxy in
            let response = try await proxy.client.execute(
                proxy.post(HTTPProxyHarness.call(5, "odd")),
                timeout: .seconds(10)
            )
            #expect(String(buffer: try await response.body.collect(upTo: 1 << 20)) == stream)
            let tool = try #require(await proxy.tool("odd"))
            #expect(tool.failedCalls == 0, "the response split over two data lines is one event")
            let issues = await proxy.protocolIssues(waitingFor: "sse_unterminated_event")
            #expect(issues["not_json"] == 1)
            #expect(issues["sse_unterminated_event"] == 1)
        }
    }

    @Test("headers pass through untouched except hop-by-hop ones; Host is the upstream's; --upstream refuses injection")
    func headers() async throws {
        let router = Router()
        let seen = Guarded<HTTPFields?>(nil)
        let authority = Guarded<String?>(nil)
        let target = Guarded<String?>(nil)
        router.post("/mcp") { request, _ -> Response in
            seen.withLock { $0 = request.headers }
            authority.withLock { $0 = request.head.authority }
            target.withLock { $0 = request.uri.string }
            return Response(
                status: .accepted,
                headers: [
                    HTTPField.Name("Mcp-Session-Id")!: "abc", .connection: "x-upstream-secret",
                    HTTPField.Name("X-Upstream-Secret")!: "1",
                ]
            )
        }
        try await HTTPProxyHarness.with(upstream: router) { proxy in
            let request = proxy.post(
                #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                path: "/mcp?x=%0d%0aInjected:%201",
                headers: [
                    ("Mcp-Session-Id", "abc"), ("MCP-Protocol-Version", "2025-06-18"), ("Last-Event-ID", "ev-9"),
                    ("Authorization", "Bearer t0k"), ("Connection", "X-Secret"), ("X-Secret", "hop"),
                    ("X-Value", "a%0d%0ab: c"), ("Host", "evil.example"),
                ]
            )
            let response = try await proxy.client.execute(request, timeout: .seconds(10))
            #expect(response.status == .accepted)
            #expect(response.headers.first(name: "mcp-session-id") == "abc")
            #expect(response.headers.first(name: "x-upstream-secret") == nil)
            let fields = try #require(seen.withLock { $0 })
            #expect(fields[HTTPField.Name("Mcp-Session-Id")!] == "abc")
            #expect(fields[HTTPField.Name("MCP-Protocol-Version")!] == "2025-06-18")
            #expect(fields[HTTPField.Name("Last-Event-ID")!] == "ev-9")
            #expect(fields[.authorization] == "Bearer t0k")
            #expect(fields[HTTPField.Name("X-Value")!] == "a%0d%0ab: c")
            #expect(fields[HTTPField.Name("X-Secret")!] == nil, "a header named in Connection is hop-by-hop")
            #expect(fields[HTTPField.Name("Injected")!] == nil)
            #expect(authority.withLock { $0 } == "127.0.0.1:\(proxy.upstreamPort)")
            #expect(target.withLock { $0 } == "/mcp?x=%0d%0aInjected:%201", "path and query go upstream unchanged")
        }
        for bad in [
            "http://127.0.0.1:8000/mcp\r\nHost: evil", "http://127.0.0.1:8000/ mcp", "http://u:secret@127.0.0.1/mcp",
            "ftp://127.0.0.1/", "127.0.0.1:8000", "http://127.0.0.1:8000/mcp?token=1", "http://:80/",
            "http://%06", "http://evil%0d%0aX:1/",
        ] {
            #expect(throws: UpstreamURL.Invalid.self) { try UpstreamURL(bad) }
        }
        // Found by fuzzing: the path is shown as written, never decoded into a space.
        #expect(try UpstreamURL("http://u//u%20").description == "http://u:80//u%20")
        // The Host header sent upstream: an IPv6 address in brackets, the port only when not the scheme's.
        #expect(try UpstreamURL("http://[::1]:8080/mcp").hostHeader == "[::1]:8080")
        #expect(try UpstreamURL("http://[::1]:8080/mcp").origin == "http://[::1]:8080")
        #expect(try UpstreamURL("https://mcp.example.com/mcp").hostHeader == "mcp.example.com")
        #expect(try UpstreamURL("http://127.0.0.1/mcp").hostHeader == "127.0.0.1")
        var message = ""
        do {
            _ = try UpstreamURL("http://u:hunter2@host/mcp")
        } catch {
            message = error.description
        }
        #expect(!message.contains("hunter2"))
        #expect(message.contains("must not carry credentials"))
    }

    @Test("a client that leaves a stream is not cancelling: the call stays in flight, nothing counts as failed")
    func clientLeaves() async throws {
        let router = Router()
        router.post("/mcp") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(
                status: .ok,
                headers: Self.streamHeaders,
                body: ResponseBody { writer in
                    let progress =
                        #"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":1}}"#
                    try await writer.write(ByteBuffer(string: Self.sse([progress])))
                    try await Task.sleep(for: .seconds(2))
                    try await writer.write(ByteBuffer(string: Self.sse([#"{"jsonrpc":"2.0","id":8,"result":{}}"#])))
                    try await writer.finish(nil)
                }
            )
        }
        try await HTTPProxyHarness.with(upstream: router) { proxy in
            let body =
                #"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"resumable","arguments":{},"_meta":{"progressToken":"t"}}}"#
            let response = try await proxy.client.execute(proxy.post(body), timeout: .seconds(10))
            for try await chunk in response.body where String(buffer: chunk).contains("progress") { break }
            try await Task.sleep(for: .milliseconds(300))
            let snapshot = proxy.snapshot()
            #expect(snapshot.toolMetrics["resumable"] == nil, "leaving a stream is neither a failure nor a call")
            #expect(snapshot.mcp?.inFlight.first?.tool == "resumable")
            #expect(snapshot.mcp?.recentFailures.isEmpty == true)
        }
    }

    @Test(
        "SIGTERM or SIGHUP (a closed terminal) with streams open: the proxy exits at once, status 0, its discovery file gone",
        arguments: [SIGTERM, SIGHUP]
    )
    func stopsWithOpenStreams(_ signal: Int32) async throws {
        let router = Router()
        router.get("/mcp") { _, _ -> Response in
            Response(
                status: .ok,
                headers: Self.streamHeaders,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: ": open\n\n"))
                    try await Task.sleep(for: .seconds(60))
                    try await writer.finish(nil)
                }
            )
        }
        try await HTTPProxyHarness.with(upstream: router) { harness in
            let proxy = try await HTTPProxyProcess(upstream: "http://127.0.0.1:\(harness.upstreamPort)/mcp")
            defer { proxy.stop() }
            let stream = Task {
                try await RawHTTP.exchange(
                    port: proxy.port,
                    request: "GET /mcp HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
                )
            }
            try await Task.sleep(for: .milliseconds(500))
            let stopped = ContinuousClock.now
            let instances = proxy.stateHome + "/dashboard/instances"
            func announced() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: instances))?.count ?? 0 }
            let announcing = ContinuousClock.now + .seconds(10)
            while announced() == 0, ContinuousClock.now < announcing { try await Task.sleep(for: .milliseconds(20)) }
            #expect(announced() == 1)
            kill(proxy.process.processIdentifier, signal)
            let exited = try await offThePool { () -> Bool in
                let deadline = Date().addingTimeInterval(5)
                while proxy.process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
                return !proxy.process.isRunning
            }
            #expect(exited, "the proxy was still running 5 s after signal \(signal)")
            #expect(ContinuousClock.now - stopped < timeBound(.seconds(3)))
            if exited {
                #expect(proxy.process.terminationStatus == 0 && proxy.process.terminationReason == .exit)
                #expect(announced() == 0, "the discovery file was left behind")
            }
            let reads = try await stream.value
            #expect(String(decoding: reads.flatMap(\.1), as: UTF8.self).contains(": open"))
        }
    }

    @Test("a --listen address in use: exit 1 with one line naming it")
    func listenInUse() async throws {
        let taken = try RawSSEUpstream()
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = NSTemporaryDirectory() + "listen-in-use-\(UUID().uuidString)"
        let outcome = try await SpawnedCommand.run(
            BuiltExecutable.path("dashboard"),
            ["proxy", "--http", "--listen", "127.0.0.1:\(taken.port)", "--upstream", "http://127.0.0.1:1/mcp"],
            environment: environment
        )
        let (status, message) = (outcome.status, outcome.error)
        #expect(status == 1)
        #expect(
            message
                == "dashboard: cannot listen on 127.0.0.1:\(taken.port): already in use; choose another --listen address (port 0 takes any free one)\n"
        )
    }

    @Test("a 100 MB POST body is streamed through, never held whole")
    func hugeBody() async throws {
        let router = Router()
        router.post("/mcp") { request, _ -> Response in
            var total = 0
            for try await chunk in request.body { total += chunk.readableBytes }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: #"{"jsonrpc":"2.0","id":9,"result":{"bytes":\#(total)}}"#)
                )
            )
        }
        let size = 100 * 1024 * 1024
        let head = #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"upload","arguments":{"data":""#
        let tail = #""}}}"#
        let length = head.utf8.count + size + tail.utf8.count
        func upload(to url: String, with client: HTTPClient) async throws -> String {
            let chunk = ByteBuffer(repeating: UInt8(ascii: "a"), count: 1 << 20)
            let pieces = AsyncStream<ByteBuffer> { continuation in
                continuation.yield(ByteBuffer(string: head))
                for _ in 0..<(size >> 20) { continuation.yield(chunk) }
                continuation.yield(ByteBuffer(string: tail))
                continuation.finish()
            }
            var request = HTTPClientRequest(url: url + "/mcp")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .stream(pieces, length: .known(Int64(length)))
            let response = try await client.execute(request, timeout: .seconds(120))
            return String(buffer: try await response.body.collect(upTo: 4096))
        }
        try await HTTPProxyHarness.with(upstream: router) { proxy in
            // Chunked, of unknown length: relayed and observed all the same.
            var chunked = proxy.post("")
            let call = HTTPProxyHarness.call(9, "chunked")
            chunked.body = .stream(
                AsyncStream { continuation in
                    for piece in [call.prefix(20), call.dropFirst(20)] {
                        continuation.yield(ByteBuffer(string: String(piece)))
                    }
                    continuation.finish()
                },
                length: .unknown
            )
            let echoed = try await proxy.client.execute(chunked, timeout: .seconds(10))
            #expect(String(buffer: try await echoed.body.collect(upTo: 4096)).contains(#""bytes":\#(call.utf8.count)"#))
            #expect(try #require(await proxy.tool("chunked")).totalCalls == 1)
            // Counted under its tool, though only its ends are read.
            let answer = try await upload(to: proxy.proxyURL, with: proxy.client)
            #expect(answer == #"{"jsonrpc":"2.0","id":9,"result":{"bytes":\#(length)}}"#)
            let tool = try #require(await proxy.tool("upload"))
            #expect(tool.totalCalls == 1 && tool.failedCalls == 0)
            #expect(proxy.snapshot().mcp?.protocolIssues["oversized_line"] == 1)
            // The real binary's own peak memory: a proxy that held the body would pass 100 MiB on top of its
            // ~40 MiB at rest; buffers in flight on a busy machine reach the low 80s.
            let binary = try await HTTPProxyProcess(upstream: "http://127.0.0.1:\(proxy.upstreamPort)/mcp")
            defer { binary.stop() }
            let relayed = try await upload(to: "http://127.0.0.1:\(binary.port)", with: proxy.client)
            #expect(relayed == #"{"jsonrpc":"2.0","id":9,"result":{"bytes":\#(length)}}"#)
            let peak = try #require(Self.peakResidentMiB(of: binary.process.processIdentifier))
            #expect(peak < 100, "the proxy's peak resident memory was \(peak) MiB relaying 100 MB")
        }
    }

    @Test("500 SSE streams open at once all get their events")
    func manyStreams() async throws {
        let router = Router()
        router.get("/mcp") { request, _ -> Response in
            let session = request.headers[HTTPField.Name("Mcp-Session-Id")!] ?? "?"
            return Response(
                status: .ok,
                headers: Self.streamHeaders,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: ": open\n\n"))
                    try await Task.sleep(for: .seconds(1))
                    let ping = #"{"jsonrpc":"2.0","id":"s-\#(session)","method":"ping"}"#
                    try await writer.write(ByteBuffer(string: Self.sse([ping])))
                    try await writer.finish(nil)
                }
            )
        }
        try await HTTPProxyHarness.with(upstream: router) { proxy in
            let streams = 500
            let got = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<streams {
                    group.addTask {
                        var request = HTTPClientRequest(url: proxy.proxyURL + "/mcp")
                        request.headers.add(name: "Accept", value: "text/event-stream")
                        request.headers.add(name: "Mcp-Session-Id", value: "session-\(index)")
                        let response = try await proxy.client.execute(request, timeout: .seconds(60))
                        let text = String(buffer: try await response.body.collect(upTo: 1 << 16))
                        return text.contains(#""id":"s-session-\#(index)""#)
                    }
                }
                var count = 0
                for try await ok in group where ok { count += 1 }
                return count
            }
            #expect(got == streams)
            let methods = proxy.snapshot().mcp
            #expect(methods?.protocolIssues["not_json"] == nil)
        }
    }

    /// The peak resident memory (VmHWM) of process `pid`, in MiB.
    static func peakResidentMiB(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kib / 1024
    }
}

extension Duration {
    fileprivate var inMilliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
