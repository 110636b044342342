import Foundation
import MetricsClient
import MetricsWire
import TestSupport
import Testing

/// Servers that misbehave. Every case starts from a good server (so there is data to keep), turns hostile,
/// must produce the right status within the request timeout plus backoff, keep the last good data marked
/// stale, and recover by itself once the server is good again.
@Suite("MetricsPoller against hostile servers", .serialized)
struct HostileServerTests {
    enum Hostility: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case silent, trickle, declaredFlood, streamedFlood, html, truncatedJSON, cutTransfer, wrongShape
        case serverError, redirect, notHTTP

        var testDescription: String { rawValue }

        var behaviour: RawHTTPServer.Behaviour {
            switch self {
            case .silent:
                return RawHTTPServer.silent
            case .trickle:
                return RawHTTPServer.trickle(HostileServerTests.goodDocument(), every: 1)
            case .declaredFlood:
                return RawHTTPServer.flood(megabytes: 50, declareLength: true)
            case .streamedFlood:
                return RawHTTPServer.flood(megabytes: 50, declareLength: false)
            case .html:
                return RawHTTPServer.respond(
                    headers: ["Content-Type: text/html"],
                    text: "<!DOCTYPE html><html><title>It works!</title></html>"
                )
            case .truncatedJSON:
                return RawHTTPServer.respond(text: String(HostileServerTests.goodDocument().prefix(150)))
            case .cutTransfer:
                return { connection in
                    guard connection.readRequest() != nil else { return }
                    connection.write("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{\"enabled\": true, ")
                }
            case .wrongShape:
                return RawHTTPServer.respond(text: #"{"status": "ok", "checks": {}}"#)
            case .serverError:
                return RawHTTPServer.respond(
                    status: "500 Internal Server Error",
                    text: #"{"error": {"type": "internal", "message": "collector exploded"}}"#
                )
            case .redirect:
                return RawHTTPServer.respond(
                    status: "301 Moved Permanently",
                    headers: ["Location: http://127.0.0.1:1/elsewhere", "Content-Type: text/html"],
                    text: "<a href=\"/elsewhere\">moved</a>"
                )
            case .notHTTP:
                // What a TLS server sends to a plain-text client: a TLS alert record.
                return RawHTTPServer.raw([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])
            }
        }

        var expected: PollError.Code {
            switch self {
            case .silent, .trickle: return .timedOut
            case .declaredFlood, .streamedFlood: return .tooLarge
            case .html, .truncatedJSON: return .notJSON
            case .cutTransfer: return .connectionClosed
            case .wrongShape: return .wrongShape
            case .serverError: return .httpStatus
            case .redirect: return .redirect
            case .notHTTP: return .notHTTP
            }
        }

        /// Words the reason must contain.
        var reasonFragment: String {
            switch self {
            case .silent, .trickle: return "within 0.40 s"
            case .declaredFlood: return "declares 50000000 bytes"
            case .streamedFlood: return "8388608-byte limit"
            case .html: return "HTML page"
            case .truncatedJSON: return "truncated"
            case .cutTransfer: return "closed the connection"
            case .wrongShape: return "found: "
            case .serverError: return "HTTP 500 Internal Server Error: collector exploded"
            case .redirect: return "HTTP 301 Moved Permanently to http://127.0.0.1:1/elsewhere"
            case .notHTTP: return "not valid HTTP"
            }
        }
    }

    static func goodDocument(calls: Int = 5) -> String {
        Fixtures.python(
            Fixtures.snapshot(at: Date().timeIntervalSince1970, tools: [Fixtures.tool("chat", calls: calls)])
        )
    }

    static let good: RawHTTPServer.Behaviour = RawHTTPServer.python { goodDocument() }

    @Test(
        "each hostile answer gives the right status in time, keeps the data, and the poller recovers",
        arguments: Hostility.allCases
    )
    func hostile(_ hostility: Hostility) async throws {
        let server = try RawHTTPServer(Self.good)
        defer { server.stop() }
        // A streamed flood must reach the size cap before the timeout: on a machine busy with the rest of
        // the suite, 8 MiB of a debug build's reads can take longer than the fast harness's 0.4 s.
        var configuration = PollerHarness.fast
        if hostility == .streamedFlood { configuration.requestTimeout = .seconds(5) }
        let harness = try PollerHarness(server.base, configuration: configuration)
        // The first good answer must beat the fast harness's 0.4 s timeout: on a machine busy with the whole
        // suite some attempts do not, so allow several backoff rounds.
        #expect(await harness.wait(upTo: .seconds(30)) { $0.status.isConnected } != nil)

        server.become(hostility.behaviour)
        // The timeout plus one interval, with slack for a machine busy with the rest of the suite.
        let limit = configuration.requestTimeout + configuration.interval + .seconds(5)
        let took = await harness.wait(upTo: .seconds(10)) { $0.lastError != nil }
        let state = harness.state
        let error = try #require(state.lastError)
        #expect(took.map { $0 < limit } == true, "took \(String(describing: took))")
        #expect(error.code == hostility.expected, "\(error)")
        #expect(error.reason.contains(hostility.reasonFragment), "\(error.reason)")
        #expect(error.url == "http://\(server.base)/metrics")
        #expect(state.status.label == (hostility.expected.isIncompatible ? "incompatible" : "reconnecting"))
        #expect(state.isStale && state.latest?.snapshot.toolMetrics["chat"]?.totalCalls == 5)

        server.become(Self.good)
        #expect(await harness.wait { $0.status.isConnected && $0.lastError == nil } != nil)
        #expect(harness.state.consecutiveFailures == 0 && !harness.state.isStale)
        await harness.stop()
        if hostility == .declaredFlood || hostility == .streamedFlood {
            // The client stopped reading and hung up: far less than the 50 MB offered crossed the socket.
            let deadline = ContinuousClock.now + .seconds(10)
            while server.openConnections > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(server.openConnections == 0)
            #expect(server.maxBytesWritten < 25_000_000, "server wrote \(server.maxBytesWritten) bytes")
            if hostility == .streamedFlood {
                #expect(server.maxBytesWritten > 8 << 20, "the client gave up before the cap")
            }
        }
    }

    @Test("connection refused, then a server appears on the port: reconnecting, then connected")
    func refusedThenUp() async throws {
        let refusing = try RefusingPort()
        let port = refusing.port
        let harness = try PollerHarness("127.0.0.1:\(port)")
        #expect(await harness.wait(upTo: .seconds(3)) { $0.failureCode == .connectionRefused } != nil)
        let state = harness.state
        guard case .reconnecting(let attempt, _, let error) = state.status else {
            Issue.record("expected reconnecting, got \(state.status)")
            return
        }
        #expect(attempt >= 1 && error.hint?.contains("dashboard serve") == true)
        #expect(state.latest == nil && !state.isStale)
        #expect(state.status.description.hasPrefix("reconnecting (attempt "))
        #expect(await harness.wait { $0.consecutiveFailures >= 3 } != nil)

        let server = try RawHTTPServer(on: refusing, Self.good)
        defer { server.stop() }
        #expect(await harness.wait { $0.status.isConnected } != nil)
        await harness.stop()
    }

    @Test("10 000 tools: decoded, connected, history bounded by the tool limit")
    func tenThousandTools() async throws {
        let tools = (0..<10_000).map { Fixtures.tool("tool-\($0)", calls: $0) }
        let document = Fixtures.python(Fixtures.snapshot(at: Date().timeIntervalSince1970, tools: tools))
        #expect(document.utf8.count < 8 << 20)
        let server = try RawHTTPServer(RawHTTPServer.python { document })
        defer { server.stop() }
        var configuration = PollerHarness.fast
        configuration.requestTimeout = .seconds(5)
        // Polled by hand: the status is read after the second poll, which a busy machine may delay past a
        // 50 ms interval's stale threshold.
        configuration.interval = .seconds(10)
        // Two polls by hand rather than a running loop: decoding 10 000 tools repeatedly would only burn CPU.
        let poller = MetricsPoller(target: try MetricsTarget(parsing: server.base), configuration: configuration)
        let started = ContinuousClock.now
        let first = await poller.pollOnce()
        #expect(ContinuousClock.now - started < configuration.requestTimeout + .seconds(5))
        #expect(try first.get().snapshot.toolMetrics.count == 10_000)
        _ = try await poller.pollOnce().get()
        let state = poller.state
        #expect(state.status.isConnected, "\(state.status)")
        #expect(state.history.tools.count == configuration.maxTrackedTools)
        #expect(state.history.tools["tool-9999"] != nil && state.history.tools["tool-0"] == nil)
    }

    @Test("unicode and control characters in tool names: connected, names intact, display text safe")
    func hostileNames() async throws {
        let names = ["😀 résumé", "\u{1B}[2J\u{1B}[H", "a\u{0}b", "rtl\u{202E}gnp.exe", "line\nbreak", "\u{7F}"]
        let document = Fixtures.python(
            Fixtures.snapshot(at: Date().timeIntervalSince1970, tools: names.map { Fixtures.tool($0, calls: 1) })
        )
        let server = try RawHTTPServer(RawHTTPServer.python { document })
        defer { server.stop() }
        let harness = try PollerHarness(server.base)
        #expect(await harness.wait { $0.latest != nil } != nil)
        let snapshot = try #require(harness.state.latest?.snapshot)
        #expect(harness.state.status.isConnected)
        #expect(Set(snapshot.toolMetrics.keys) == Set(names))
        for name in snapshot.toolMetrics.keys {
            #expect(!DisplayText.sanitized(name).unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        }
        await harness.stop()
    }

    @Test("a hung server: connected, then stale before the timeout, then reconnecting — as events")
    func staleThenReconnecting() async throws {
        let server = try RawHTTPServer(Self.good)
        defer { server.stop() }
        let configuration = PollerConfiguration(
            interval: .milliseconds(100),
            requestTimeout: .milliseconds(1500),
            backoff: BackoffPolicy(initial: .milliseconds(100), maximum: .milliseconds(200), jitter: 0),
            staleAfter: .milliseconds(300)
        )
        let harness = try PollerHarness(server.base, configuration: configuration)
        let events = harness.events
        let labels = Task {
            var seen: [String] = []
            for await event in events {
                if case .status(let status) = event {
                    seen.append(status.label)
                    if status.label == "reconnecting" { break }
                }
            }
            return seen
        }
        #expect(await harness.wait { $0.status.isConnected } != nil)
        server.become(RawHTTPServer.silent)
        #expect(await harness.wait { $0.status.label == "stale" } != nil)
        let status = harness.state.status
        guard case .stale(let age) = status else {
            Issue.record("expected stale, got \(status)")
            await harness.stop()
            return
        }
        #expect(age >= .milliseconds(300))
        #expect(harness.state.status.description.contains("last good data"))
        #expect(await harness.wait { $0.failureCode == .timedOut } != nil)
        let seen = await labels.value
        #expect(seen.suffix(3) == ["connected", "stale", "reconnecting"], "\(seen)")
        await harness.stop()
    }
}
