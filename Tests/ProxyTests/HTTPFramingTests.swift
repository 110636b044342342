import NIOCore
import NIOHTTP1
import Testing

@testable import Engine
@testable import MCPProxy

/// The HTTP proxy's byte-level reading of heads and bodies: what it passes on, where it finds a message's
/// end, and what it refuses (a head or framing the upstream might read differently is never relayed).
@Suite("HTTP proxy framing")
struct HTTPFramingTests {
    /// Request heads the upstream could read differently than the relay.
    static let refusedHeadTexts = [
        "POST /mcp HTTP/1.1\r\nNot a header\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nContent-Length : 2\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        "POST /mcp HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nX-A: a\rb\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nX-A: a\u{0}b\r\n\r\n",
        "POST /mcp HTTP/2.0\r\n\r\n",
        "POST  /mcp HTTP/1.1\r\n\r\n",
        "POST /mcp\r\n\r\n",
        "POST /m cp HTTP/1.1\r\n\r\n",
        "\u{1}\u{2}\u{3} not HTTP at all\r\n\r\n",
        "POST /mcp HTTP/1.1 \r\n\r\n",
        "PO(ST /mcp HTTP/1.1\r\n\r\n",
        "GET /mcp HTTP\u{0F}1\u{0E}1\r\n\r\n",
        "GET /mcp http/1.1\r\n\r\n",
    ]

    /// Answer heads the client could read differently than the relay.
    static let refusedAnswerTexts = [
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/2 200 OK\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
        "HTTP\u{0F}1.1 200 OK\r\n\r\n",
        "http/1.1 200 OK\r\n\r\n",
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    ]

    /// Chunk framing the upstream could read differently than the relay.
    static let refusedChunkTexts = [
        "5\nhello\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "5\r\nhelloX\r\n0\r\n\r\n", "\r\nhello\r\n0\r\n\r\n",
        "-5\r\nhello\r\n", "0x5\r\nhello\r\n", "5 5\r\nhello\r\n", "ffffffffffffffffff\r\n",
        "5;a\u{0}\r\nhello\r\n", "0\r\nX: 1\n\r\n", "0\r\n\n", "5\r\nhello\r\n0\r\nX\u{1}: 1\r\n\r\n",
    ]

    private static func request(_ text: String, host: String = "up:9") throws -> (RequestHead, Int)? {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { bytes in
            var scanned = 0
            guard let length = HeadFields.headLength(bytes, scanned: &scanned) else { return nil }
            return (try RequestHead(bytes, length: length, host: host), length)
        }
    }

    private static func response(_ text: String, method: HTTPMethod = .POST) throws -> ResponseHead {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { bytes in
            var scanned = 0
            guard let length = HeadFields.headLength(bytes, scanned: &scanned) else {
                throw HeadError(reason: "incomplete in the test")
            }
            return try ResponseHead(bytes, length: length, method: method)
        }
    }

    @Test(
        "a request head goes upstream with its line and end-to-end fields as written, in order, and the upstream's Host"
    )
    func requestHead() throws {
        let text =
            "POST /mcp?x=%0d%0a HTTP/1.1\r\nHost: evil\r\nMcp-Session-Id: s-1\r\nAuthorization: Bearer t\r\n"
            + "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: 5\r\nTE: trailers\r\nUpgrade: h2c\r\n"
            + "Proxy-Authorization: Basic x\r\nX-Value:   a  b  \r\nContent-Length: 2\r\n\r\n{}"
        let (head, length) = try #require(try Self.request(text))
        #expect(length == text.utf8.count - 2)
        #expect(
            String(buffer: head.upstreamHead)
                == "POST /mcp?x=%0d%0a HTTP/1.1\r\nHost: up:9\r\nMcp-Session-Id: s-1\r\nAuthorization: Bearer t\r\n"
                + "X-Value:   a  b  \r\nContent-Length: 2\r\n\r\n"
        )
        #expect(head.method == .POST && head.minorVersion == 1 && head.keepAlive)
        #expect(head.framing == .length(2) && head.session == "s-1" && !head.expectsContinue)
    }

    @Test("bare LF line ends are read and written on as CRLF; empty bodies and the close and 1.0 cases frame right")
    func requestVariants() throws {
        let (bare, _) = try #require(try Self.request("GET /a HTTP/1.1\nAccept: x\n\n"))
        #expect(String(buffer: bare.upstreamHead) == "GET /a HTTP/1.1\r\nHost: up:9\r\nAccept: x\r\n\r\n")
        #expect(bare.framing == .none)
        let (closing, _) = try #require(try Self.request("DELETE /mcp HTTP/1.1\r\nConnection: Close\r\n\r\n"))
        #expect(!closing.keepAlive && closing.method == .DELETE)
        let (old, _) = try #require(try Self.request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"))
        #expect(old.minorVersion == 0 && !old.keepAlive)
        let (chunked, _) = try #require(
            try Self.request("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked\r\nExpect: 100-continue\r\n\r\n")
        )
        #expect(chunked.framing == .chunked && chunked.expectsContinue)
        #expect(String(buffer: chunked.upstreamHead).contains("Transfer-Encoding: gzip, Chunked\r\n"))
        // Content-Length named in Connection is not dropped: the body's framing depends on it.
        let (named, _) = try #require(
            try Self.request("POST / HTTP/1.1\r\nConnection: content-length\r\nContent-Length: 0\r\n\r\n")
        )
        #expect(String(buffer: named.upstreamHead).hasSuffix("Content-Length: 0\r\n\r\n"))
        // Nor is Transfer-Encoding: the upstream would read the chunks as requests of their own.
        let (namedChunked, _) = try #require(
            try Self.request("POST / HTTP/1.1\r\nConnection: transfer-encoding\r\nTransfer-Encoding: chunked\r\n\r\n")
        )
        #expect(namedChunked.framing == .chunked)
        #expect(String(buffer: namedChunked.upstreamHead).hasSuffix("Transfer-Encoding: chunked\r\n\r\n"))
        #expect(try Self.request("POST / HTTP/1.1\r\nContent-Length: 3\r\n") == nil, "incomplete")
    }

    @Test(
        "heads the upstream could read differently are refused",
        arguments: refusedHeadTexts
    )
    func refusedHeads(_ text: String) {
        #expect(throws: HeadError.self, "\(text.debugDescription)") { try Self.request(text) }
    }

    @Test("an answer head: its framing, keep-alive and content, and the fields the client gets")
    func responseHeads() throws {
        let json = try Self.response(
            "HTTP/1.1 200 OK\r\nContent-Type: Application/JSON; charset=utf-8\r\nContent-Length: 10\r\n"
                + "Connection: X-Secret\r\nX-Secret: 1\r\nMcp-Session-Id: abc\r\n\r\n"
        )
        #expect(json.status == .ok && json.framing == .length(10) && json.keepAlive && json.content == .json)
        #expect(
            String(buffer: json.clientHead)
                == "HTTP/1.1 200 OK\r\nContent-Type: Application/JSON; charset=utf-8\r\nContent-Length: 10\r\n"
                + "Mcp-Session-Id: abc\r\n"
        )
        let sse = try Self.response(
            "HTTP/1.1 200 OK\r\ncontent-type: TEXT/EVENT-STREAM\r\ntransfer-encoding: chunked\r\n\r\n"
        )
        #expect(sse.framing == .chunked && sse.content == .eventStream && sse.keepAlive)
        let untilClose = try Self.response("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
        #expect(untilClose.framing == .untilClose && !untilClose.keepAlive && untilClose.content == .other)
        let old = try Self.response("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(old.framing == .length(0) && !old.keepAlive)
        let oldKept = try Self.response("HTTP/1.0 202 Accepted\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n")
        #expect(oldKept.keepAlive)
        let closing = try Self.response("HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        #expect(!closing.keepAlive)
        #expect(try Self.response("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n", method: .HEAD).framing == .none)
        #expect(try Self.response("HTTP/1.1 204 No Content\r\n\r\n").framing == .none)
        #expect(try Self.response("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n").framing == .none)
        #expect(try Self.response("HTTP/1.1 100 Continue\r\n\r\n").isInformational)
        #expect(try Self.response("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").status == .ok, "no reason phrase")
        #expect(try Self.response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n").framing == .untilClose)
        let namedChunked = try Self.response(
            "HTTP/1.1 200 OK\r\nConnection: Transfer-Encoding\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        #expect(namedChunked.framing == .chunked)
        #expect(String(buffer: namedChunked.clientHead) == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n")
        // An HTTP/1.0 client gets a chunked answer's payload alone: no Transfer-Encoding for it.
        let bytes = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n".utf8)
        let dechunked = try bytes.withUnsafeBytes {
            try ResponseHead($0, length: $0.count, method: .GET, dechunked: true)
        }
        #expect(
            dechunked.framing == .chunked && String(buffer: dechunked.clientHead) == "HTTP/1.1 200 OK\r\nX-A: 1\r\n"
        )
    }

    @Test(
        "answer heads the client could read differently are refused",
        arguments: refusedAnswerTexts
    )
    func refusedAnswers(_ text: String) {
        #expect(throws: HeadError.self, "\(text.debugDescription)") { try Self.response(text) }
    }

    @Test("a head that arrives in pieces is found once it is whole, and searched only where it is new")
    func headInPieces() {
        let text = Array("POST /mcp HTTP/1.1\r\nContent-Length: 0\r\n\r\nNEXT".utf8)
        for cut in 1..<text.count {
            var scanned = 0
            let first = text[..<cut].withUnsafeBytes { HeadFields.headLength($0, scanned: &scanned) }
            let whole = text.withUnsafeBytes { HeadFields.headLength($0, scanned: &scanned) }
            #expect(whole == text.count - 4, "cut at \(cut)")
            if cut < text.count - 4 {
                #expect(first == nil, "cut at \(cut)")
                #expect(scanned == cut)
            }
        }
    }

    @Test("a head over 80 KiB is refused as too large, whether it ended or not; a small head before many bytes is not")
    func oversizedHead() throws {
        func complete(_ bytes: [UInt8]) throws -> Int? {
            var scanned = 0
            return try bytes.withUnsafeBytes { try HeadFields.completeHead($0, scanned: &scanned) }
        }
        let line = Array("X-Filler: \(String(repeating: "a", count: 100))\r\n".utf8)
        let start = Array("POST /mcp HTTP/1.1\r\n".utf8)
        var unfinished = start
        while unfinished.count <= HeadFields.maxHead { unfinished += line }
        #expect(throws: HeadError(reason: "a head over 81920 bytes", tooLarge: true)) { try complete(unfinished) }
        #expect(throws: HeadError.self) { try complete(unfinished + Array("\r\n".utf8)) }
        let small = start + Array("Content-Length: 0\r\n\r\n".utf8)
        #expect(try complete(small + [UInt8](repeating: 0x61, count: 2 * HeadFields.maxHead)) == small.count)
        #expect(try complete(Array(unfinished.prefix(HeadFields.maxHead))) == nil)
    }

    /// Reads `chunks` one after the other; returns the body's length, its payload and whether it ended.
    private static func read(
        _ framing: BodyFraming,
        _ chunks: [[UInt8]]
    ) throws -> (
        length: Int, payload: [UInt8], done: Bool
    ) {
        var reader = BodyReader(framing)
        var payload: [UInt8] = []
        var length = 0
        for chunk in chunks where !reader.isDone {
            length += try chunk.withUnsafeBytes { bytes in
                try reader.read(bytes) { payload += $0 }
            }
        }
        return (length, payload, reader.isDone)
    }

    @Test("a chunked body: its end found exactly, its payload given whole, however the bytes are cut")
    func chunkedBody() throws {
        let body = Array(
            "4;ext=\"a b\"\r\nWiki\r\n0005\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\n".utf8
        )
        let after = Array("POST / HTTP/1.1\r\n".utf8)
        for cut in 0...body.count {
            let (length, payload, done) = try Self.read(.chunked, [Array(body[..<cut]), Array(body[cut...]) + after])
            #expect(length == body.count && done, "cut at \(cut)")
            #expect(String(decoding: payload, as: UTF8.self) == "Wikipedia in\r\n\r\nchunks.", "cut at \(cut)")
        }
        let bytewise = try Self.read(.chunked, body.map { [$0] })
        #expect(bytewise.length == body.count && bytewise.done)
        let unfinished = try Self.read(.chunked, [Array("5\r\nab".utf8)])
        #expect(!unfinished.done && unfinished.length == 5 && unfinished.payload == Array("ab".utf8))
    }

    @Test("a length-framed body ends at its length; one framed by the connection never ends by itself")
    func otherBodies() throws {
        let bytes = Array("0123456789".utf8)
        let length = try Self.read(.length(4), [Array(bytes[..<2]), Array(bytes[2...])])
        #expect(length.length == 4 && length.done && length.payload == Array("0123".utf8))
        #expect(try Self.read(.none, [bytes]).length == 0)
        #expect(BodyReader(.length(0)).isDone && BodyReader(.none).isDone)
        let untilClose = try Self.read(.untilClose, [bytes, bytes])
        #expect(untilClose.length == 20 && !untilClose.done && BodyReader(.untilClose).endsAtClose)
    }

    @Test(
        "chunk framing the upstream could read differently is refused",
        arguments: refusedChunkTexts
    )
    func refusedChunks(_ text: String) {
        #expect(throws: BodyReader.Malformed.self, "\(text.debugDescription)") {
            try Self.read(.chunked, [Array(text.utf8)])
        }
    }
}
