import NIOCore
import NIOPosix
import Testing

@testable import Engine
@testable import MCPProxy

/// The HTTP relay's state machine, driven event by event without sockets: what each event makes it write,
/// flush, open, close and tell the observer, and the state it leaves.
@Suite("HTTP relay state machine")
struct RelayStateMachineTests {
    static let post = "POST /mcp HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
    static let postUpstream = "upstream: POST /mcp HTTP/1.1\r\nHost: up:9\r\nContent-Length: 2\r\n\r\n"
    static let ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    static let okHead = "client: HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n"
    static let okAnswer = [
        "cancel timeout", "observe answer", okHead, "client: {}", "flush client", "observe answer ended 200",
    ]
    static let refused400 = "client: HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"

    /// A driver whose first POST was answered: its upstream connection is open and was reused once.
    static func afterOneExchange() -> RelayDriver {
        var relay = RelayDriver()
        _ = relay.sendAndConnect(post)
        _ = relay.upstream(ok)
        return relay
    }

    @Test("a request read whole: the connection opens, the request waits for it, goes, and its answer comes back")
    func wholeRequest() {
        var relay = RelayDriver()
        #expect(relay.client(Self.post) == ["connect 1", "read client off", "timeout 1", "observe request {}"])
        #expect(relay.exchange?.requestEnded == true && relay.exchange?.requestSent == true)
        #expect(relay.connected() == [Self.postUpstream, "upstream: {}", "flush upstream", "read client on"])
        #expect(relay.upstream(Self.ok) == Self.okAnswer)
        #expect(relay.isIdle)
        #expect(relay.machine.upstream == .connected(1, .init(writable: true, reused: true, answering: false)))
        // The next request goes on the same connection, flushed at once.
        #expect(
            relay.client(Self.post) == [
                Self.postUpstream, "upstream: {} [marks 2]", "timeout 2", "flush upstream", "observe request {}",
            ]
        )
    }

    @Test("a head that arrives in pieces starts nothing until it is whole")
    func headInPieces() {
        var relay = RelayDriver()
        #expect(relay.client("POST /mcp HTTP/1.1\r\nContent-Le").isEmpty)
        #expect(relay.isIdle)
        #expect(relay.client("ngth: 2\r\n\r\n{").isEmpty)
        #expect(relay.exchange?.requestSent == false)
        #expect(relay.client("}") == ["connect 1", "read client off", "timeout 1", "observe request {}"])
    }

    @Test("a pipelined request waits, unread, until the answer before it ended, then goes on the same connection")
    func pipelined() {
        var relay = RelayDriver()
        let second = "GET /mcp HTTP/1.1\r\n\r\n"
        #expect(
            relay.client(Self.post + second) == ["connect 1", "read client off", "timeout 1", "observe request {}"]
        )
        #expect(relay.connected() == [Self.postUpstream, "upstream: {}", "flush upstream"])
        #expect(
            relay.upstream(Self.ok)
                == Self.okAnswer + [
                    "upstream: GET /mcp HTTP/1.1\r\nHost: up:9\r\n\r\n [marks 2]", "timeout 2", "flush upstream",
                    "read client on",
                ]
        )
        #expect(relay.exchange?.number == 2)
    }

    @Test("a refused head is answered 400 (431 when too large) and the connection closed; nothing goes upstream")
    func refusedHeads() {
        for text in HTTPFramingTests.refusedHeadTexts {
            var relay = RelayDriver()
            let actions = relay.client(text)
            #expect(actions.first?.hasPrefix("observe refused: ") == true, "\(text.debugDescription)")
            #expect(Array(actions.dropFirst()) == [Self.refused400, "flush client", "close client"])
            #expect(relay.isClosing)
            #expect(relay.client(Self.post).isEmpty, "nothing is read after the refusal")
        }
        var relay = RelayDriver()
        let large = relay.client("GET /mcp HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 90 * 1024))
        #expect(large.contains { $0.hasPrefix("client: HTTP/1.1 431 Request Header Fields Too Large\r\n") })
        #expect(large.last == "close client" && !large.contains { $0.hasPrefix("connect") })
    }

    @Test("chunk framing the upstream could read differently: 400, the upstream connection cut, none of it relayed")
    func refusedChunks() {
        for text in HTTPFramingTests.refusedChunkTexts {
            var relay = RelayDriver()
            #expect(
                relay.client("POST /mcp HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == [
                    "connect 1", "read client off", "timeout 1",
                ]
            )
            _ = relay.connected()
            let actions = relay.client(text)
            #expect(actions.first?.hasPrefix("observe refused: ") == true, "\(text.debugDescription)")
            #expect(Array(actions.dropFirst()) == ["close upstream", Self.refused400, "flush client", "close client"])
        }
    }

    @Test("an answer head the client could read differently: 502 naming the upstream, its connection closed")
    func refusedAnswers() {
        for text in HTTPFramingTests.refusedAnswerTexts {
            var relay = RelayDriver()
            _ = relay.sendAndConnect(Self.post)
            let actions = relay.upstream(text)
            #expect(
                Array(actions.prefix(3)) == ["cancel timeout", "close upstream", "observe failed upstream_malformed"],
                "\(text.debugDescription)"
            )
            #expect(actions.count == 5 && actions[3].hasPrefix("client: HTTP/1.1 502 Bad Gateway\r\n"))
            #expect(actions[3].contains(#"the upstream http:\/\/up:9 sent a malformed answer"#))
            #expect(relay.isIdle && relay.machine.upstream == .none)
        }
    }

    @Test("the resend rule: a GET whose reused connection closed unanswered goes once more, on a new connection")
    func resendIdempotent() {
        var relay = Self.afterOneExchange()
        let get = "upstream: GET /mcp HTTP/1.1\r\nHost: up:9\r\n\r\n"
        #expect(relay.client("GET /mcp HTTP/1.1\r\n\r\n") == [get + " [marks 2]", "timeout 2", "flush upstream"])
        #expect(relay.upstreamClosed() == ["connect 2", "read client off"])
        #expect(relay.upstreamClosed().isEmpty, "connection 1 is gone: a second end of it is nothing")
        #expect(relay.connected(2) == [get, "flush upstream", "read client on"])
        // Once only: the new connection closing too fails the exchange.
        let again = relay.upstreamClosed(2)
        #expect(again.first == "observe failed upstream_unreachable")
        #expect(again.contains { $0.hasPrefix("client: HTTP/1.1 502 Bad Gateway\r\n") })
        #expect(relay.isIdle)
    }

    @Test("the resend rule: a POST goes again only when it never left (its write failed), never twice")
    func resendPost() {
        var relay = Self.afterOneExchange()
        _ = relay.client(Self.post)
        let failed = relay.upstreamClosed()
        #expect(failed.first == "observe failed upstream_unreachable", "the call may have run: not sent again")
        #expect(failed.contains { $0.contains("the connection was closed before an answer") })

        var unsent = Self.afterOneExchange()
        _ = unsent.client(Self.post)
        #expect(unsent.machine.upstreamWriteFailed(exchange: 2).isEmpty)
        #expect(unsent.upstreamClosed() == ["connect 2", "read client off"])
        #expect(unsent.connected(2) == [Self.postUpstream, "upstream: {}", "flush upstream", "read client on"])
    }

    @Test("no resend on a fresh connection, after part of an answer, or for a body relayed as it came")
    func noResend() {
        var fresh = RelayDriver()
        _ = fresh.sendAndConnect("GET /mcp HTTP/1.1\r\n\r\n")
        #expect(fresh.upstreamClosed().first == "observe failed upstream_unreachable")

        var answering = Self.afterOneExchange()
        _ = answering.client("GET /mcp HTTP/1.1\r\n\r\n")
        #expect(answering.upstream("HTTP/1.1 200 OK\r\nContent-").isEmpty)
        #expect(answering.upstreamClosed().first == "observe failed upstream_unreachable")

        var streamed = Self.afterOneExchange()
        _ = streamed.client("PUT /mcp HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        #expect(streamed.upstreamClosed().first == "observe failed upstream_unreachable")
    }

    @Test("the response timeout answers 504 and closes the upstream; a stale or late one does nothing")
    func timeout() {
        var relay = RelayDriver()
        _ = relay.sendAndConnect(Self.post)
        #expect(relay.machine.timedOut(exchange: 7).isEmpty)
        let actions = RelayDriver.describe(relay.machine.timedOut(exchange: 1))
        #expect(Array(actions.prefix(2)) == ["close upstream", "observe failed upstream_timeout"])
        #expect(actions[2].hasPrefix("client: HTTP/1.1 504 Gateway Timeout\r\n"))
        #expect(actions[2].contains("did not answer within 30s"))
        #expect(relay.isIdle)

        var answered = RelayDriver()
        _ = answered.sendAndConnect(Self.post)
        _ = answered.upstream("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n12")
        #expect(answered.machine.timedOut(exchange: 1).isEmpty, "the answer began: the timeout no longer counts")
    }

    @Test("with the cache on, a request is observed before it goes; the cache's answer is the client's, or it goes")
    func cache() {
        var hit = RelayDriver(consultsCache: true)
        #expect(hit.client(Self.post) == ["observe request {} [cache]"])
        let answer = RelayDriver.describe(hit.machine.cacheAnswered(ByteBuffer(string: #"{"r":1}"#)))
        #expect(
            answer == [
                "client: HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"r\":1}",
                "flush client",
            ]
        )
        #expect(hit.isIdle && hit.machine.upstream == .none)

        var miss = RelayDriver(consultsCache: true)
        _ = miss.client(Self.post + Self.post)
        // The pipelined request waits unread (reading is off), as the connection opens.
        #expect(RelayDriver.describe(miss.machine.cacheAnswered(nil)) == ["connect 1", "timeout 1"])
        #expect(miss.connected() == [Self.postUpstream, "upstream: {}", "flush upstream"])
        #expect(
            miss.upstream(Self.ok) == Self.okAnswer + ["observe request {} [cache]", "read client on"],
            "the pipelined request is read next, and waits for the cache"
        )
    }

    @Test("an upstream that cannot be reached: 502 naming why")
    func unreachable() {
        var relay = RelayDriver()
        _ = relay.client(Self.post)
        let refused = IOError(errnoCode: ECONNREFUSED, reason: "connect")
        let actions = RelayDriver.describe(relay.machine.upstreamConnectFailed(1, refused))
        #expect(
            Array(actions.prefix(3)) == ["read client on", "observe failed upstream_unreachable", "cancel timeout"]
        )
        #expect(actions.count == 5 && actions[3].hasPrefix("client: HTTP/1.1 502 Bad Gateway\r\n"))
        #expect(actions[3].contains("cannot reach the upstream http:\\/\\/up:9: connection refused"))
        #expect(relay.isIdle)
        #expect(RelayDriver.describe(relay.machine.upstreamConnectFailed(1, refused)).isEmpty, "once")
    }

    @Test("an answer cut short closes the client too; one framed by the connection's end ends with it")
    func upstreamEnds() {
        var dropped = RelayDriver()
        _ = dropped.sendAndConnect(Self.post)
        #expect(
            dropped.upstream("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345") == [
                "cancel timeout", "observe answer", "client: HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
                "client: 12345",
            ]
        )
        #expect(dropped.upstreamClosed() == ["observe answer dropped", "close client"])
        #expect(dropped.isClosing)

        var untilClose = RelayDriver()
        _ = untilClose.sendAndConnect(Self.post)
        #expect(
            untilClose.upstream("HTTP/1.1 200 OK\r\n\r\nabc") == [
                "cancel timeout", "observe answer", "client: HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
                "client: abc",
            ]
        )
        #expect(untilClose.upstreamClosed() == ["flush client", "observe answer ended 200", "close client"])

        var failed = RelayDriver()
        _ = failed.sendAndConnect(Self.post)
        _ = failed.upstream("HTTP/1.1 200 OK\r\n\r\nabc")
        #expect(
            failed.upstreamClosed(error: IOError(errnoCode: ECONNRESET, reason: "read")).first
                == "observe answer dropped"
        )
    }

    @Test("an answer's body framed wrong is cut short; bytes after an answer close the upstream connection")
    func misframedAnswers() {
        var relay = RelayDriver()
        _ = relay.sendAndConnect(Self.post)
        let actions = relay.upstream("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc")
        #expect(
            Array(actions.suffix(4)) == [
                "observe misframed answer", "close upstream", "observe answer dropped", "close client",
            ]
        )

        var extra = RelayDriver()
        _ = extra.sendAndConnect(Self.post)
        #expect(extra.upstream(Self.ok + "EXTRA") == Self.okAnswer + ["close upstream"])

        var stray = Self.afterOneExchange()
        #expect(stray.upstream("HTTP/1.1 200 OK\r\n\r\n") == ["close upstream"], "no request asked for it")
    }

    @Test("1xx heads go to an HTTP/1.1 client; an HTTP/1.0 client gets a chunked answer's bare payload")
    func versions() {
        var relay = RelayDriver()
        _ = relay.sendAndConnect(Self.post)
        #expect(
            relay.upstream("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n") == [
                "client: HTTP/1.1 100 Continue\r\n\r\n", "cancel timeout", "observe answer",
                "client: HTTP/1.1 204 No Content\r\n\r\n", "flush client", "observe answer ended 204",
            ]
        )

        var old = RelayDriver()
        _ = old.sendAndConnect("POST /mcp HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}")
        #expect(
            old.upstream(
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"
            )
                == [
                    "cancel timeout", "observe answer", "client: HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
                    "client: ab", "flush client", "observe answer ended 200", "close client",
                ]
        )
    }

    @Test("each side is read only as fast as the other takes it")
    func backpressure() {
        var relay = RelayDriver()
        _ = relay.sendAndConnect(Self.post)
        #expect(RelayDriver.describe(relay.machine.upstreamWritabilityChanged(1, false)) == ["read client off"])
        #expect(RelayDriver.describe(relay.machine.upstreamWritabilityChanged(1, true)) == ["read client on"])
        #expect(RelayDriver.describe(relay.machine.upstreamWritabilityChanged(9, false)).isEmpty)
        #expect(RelayDriver.describe(relay.machine.clientWritabilityChanged(false)) == ["read upstream off"])
        #expect(RelayDriver.describe(relay.machine.clientWritabilityChanged(true)) == ["read upstream on"])
        _ = relay.upstream("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n")
        #expect(RelayDriver.describe(relay.machine.upstreamReadComplete(1)) == ["flush client"])
        #expect(RelayDriver.describe(relay.machine.upstreamReadComplete(1)).isEmpty)
    }

    @Test("an answer that comes before the request's body ended: the rest is read and dropped, not relayed")
    func earlyAnswer() {
        var relay = RelayDriver()
        _ = relay.client("POST /mcp HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        _ = relay.connected()
        #expect(relay.client("5\r\nhello\r\n") == ["upstream: 5\r\nhello\r\n"])
        #expect(RelayDriver.describe(relay.machine.clientReadComplete()) == ["flush upstream"])
        #expect(
            relay.upstream("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n") == [
                "cancel timeout", "observe answer",
                "client: HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n",
                "flush client", "observe answer ended 413", "close upstream",
            ]
        )
        #expect(relay.client("3\r\nabc\r\n0\r\n\r\n").isEmpty)
        #expect(relay.isIdle)
        // Body framing broken after the answer closes the connection without another answer.
        var broken = RelayDriver()
        _ = broken.client("POST /mcp HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        _ = broken.connected()
        _ = broken.upstream("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(broken.client("zz\r\n") == ["close client"])
    }

    @Test("a body of unknown length, or one whose client waits for 100 Continue, goes as it arrives")
    func streamedBodies() {
        var relay = RelayDriver()
        #expect(
            relay.client("POST /mcp HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n") == [
                "connect 1", "read client off", "timeout 1",
            ]
        )
        _ = relay.connected()
        #expect(relay.client("{}") == ["upstream: {}", "observe streamed request", "flush upstream"])
    }

    @Test("SSE answers: events observed as written, a GET stream named, the client leaving observed")
    func streams() {
        var relay = RelayDriver()
        _ = relay.sendAndConnect("GET /mcp HTTP/1.1\r\n\r\n")
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(relay.upstream(head).prefix(2) == ["cancel timeout", "observe answer [GET stream]"])
        let event = "data: {}\n\n"
        let chunk = String(event.utf8.count, radix: 16) + "\r\n" + event + "\r\n"
        #expect(relay.upstream(chunk) == ["client: " + chunk, "observe 1 events"])
        #expect(
            RelayDriver.describe(relay.machine.clientClosed()) == [
                "cancel timeout", "observe client left mid-answer", "close upstream",
            ]
        )
        #expect(relay.upstream(chunk).isEmpty, "the connection is gone")

        var waiting = RelayDriver()
        _ = waiting.sendAndConnect(Self.post)
        #expect(
            RelayDriver.describe(waiting.machine.clientClosed()) == [
                "cancel timeout", "observe client left", "close upstream",
            ]
        )
    }

    @Test("stopping: an idle connection closes at once, a busy one after its answer, which says so")
    func quiesce() {
        var idle = RelayDriver()
        #expect(RelayDriver.describe(idle.machine.quiesce()) == ["close client"])

        var busy = RelayDriver()
        _ = busy.sendAndConnect(Self.post)
        #expect(RelayDriver.describe(busy.machine.quiesce()).isEmpty)
        let answer = busy.upstream(Self.ok)
        #expect(
            answer.contains(Self.okHead.replacingOccurrences(of: "\r\n\r\n", with: "\r\nConnection: close\r\n\r\n"))
        )
        #expect(answer.last == "close client")
    }
}
