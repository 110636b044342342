import Engine
import NIOCore
import NIOHTTP1

/// A client's request head, read from its bytes, and the head that goes upstream in its place: the request
/// line as the client wrote it, the upstream's `Host`, then the client's end-to-end field lines in order.
struct RequestHead {
    let method: HTTPMethod
    /// 0 or 1, of `HTTP/1.x`.
    let minorVersion: Int
    /// Whether the client keeps its connection after this request (HTTP/1.0 clients never do here).
    let keepAlive: Bool
    let framing: BodyFraming
    /// `Mcp-Session-Id`, `""` without one.
    let session: String
    /// `Mcp-Method`, `Mcp-Name` and `MCP-Protocol-Version`, when any is given.
    let mcpHeaders: MCPRequestHeaders?
    let expectsContinue: Bool
    let upstreamHead: ByteBuffer

    /// Reads the head `bytes` start with, `length` bytes long (``HeadFields/headLength(_:scanned:)``).
    init(_ bytes: UnsafeRawBufferPointer, length: Int, host: String) throws(HeadError) {
        let (lineEnd, next) = HeadFields.line(bytes, from: 0, before: length)
        var methodEnd = 0
        while methodEnd < lineEnd, HeadFields.isToken(bytes[methodEnd]) { methodEnd += 1 }
        var targetEnd = methodEnd + 1
        while targetEnd < lineEnd, bytes[targetEnd] > 0x20, bytes[targetEnd] != 0x7F { targetEnd += 1 }
        // METHOD SP TARGET SP HTTP/1.x, the version ending the line.
        guard methodEnd > 0, methodEnd < lineEnd, bytes[methodEnd] == 0x20, targetEnd > methodEnd + 1,
            targetEnd + 9 == lineEnd, bytes[targetEnd] == 0x20, HeadFields.isVersion(bytes, at: targetEnd + 1)
        else {
            throw HeadError(reason: "a request line that is not METHOD TARGET HTTP/1.x")
        }
        let fields = try HeadFields(bytes, from: next, to: length)
        method = HTTPMethod(
            rawValue: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<methodEnd]), as: UTF8.self)
        )
        minorVersion = bytes[lineEnd - 1] == UInt8(ascii: "1") ? 1 : 0
        keepAlive = minorVersion == 1 && !fields.close
        if let chunked = fields.chunked {
            guard fields.contentLength == nil else {
                throw HeadError(reason: "both Transfer-Encoding and Content-Length")
            }
            guard chunked, minorVersion == 1 else {
                throw HeadError(reason: "a Transfer-Encoding whose last coding is not chunked, or in HTTP/1.0")
            }
            framing = .chunked
        } else {
            framing = fields.contentLength.map { .length($0) } ?? .none
        }
        session =
            fields.sessionID.map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) } ?? ""
        func text(_ range: Range<Int>?) -> String? {
            range.map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }
        mcpHeaders =
            fields.mcpMethod == nil && fields.mcpName == nil && fields.mcpProtocolVersion == nil
            ? nil
            : MCPRequestHeaders(
                method: text(fields.mcpMethod),
                name: text(fields.mcpName),
                protocolVersion: text(fields.mcpProtocolVersion)
            )
        expectsContinue = fields.expectsContinue
        var head = ByteBuffer()
        head.reserveCapacity(length + host.utf8.count + 8)
        head.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<lineEnd]))
        head.writeStaticString("\r\nHost: ")
        head.writeString(host)
        head.writeStaticString("\r\n")
        fields.write(bytes, to: &head)
        head.writeStaticString("\r\n")
        upstreamHead = head
    }
}

/// An upstream's answer head, read from its bytes, and the head that goes to the client in its place: the
/// status line as the upstream wrote it, then its end-to-end field lines in order (the relay ends it, after a
/// `Connection: close` when it will close the client's connection).
struct ResponseHead {
    /// What the body is, by its content type.
    enum Content {
        case eventStream, json, other
    }

    let status: HTTPResponseStatus
    /// Whether the upstream keeps the connection after this answer.
    let keepAlive: Bool
    let framing: BodyFraming
    let content: Content
    /// The status line and end-to-end fields, without the empty line that ends the head.
    let clientHead: ByteBuffer

    /// A 1xx answer, another head to follow.
    var isInformational: Bool { (100..<200).contains(status.code) }

    /// Reads the head `bytes` start with, `length` bytes long, answering a `method` request; for an HTTP/1.0
    /// client (`dechunked`) a chunked body is passed on as its bare payload, without `Transfer-Encoding`.
    init(_ bytes: UnsafeRawBufferPointer, length: Int, method: HTTPMethod, dechunked: Bool = false) throws(HeadError) {
        let (lineEnd, next) = HeadFields.line(bytes, from: 0, before: length)
        guard lineEnd >= 12, HeadFields.isVersion(bytes, at: 0), bytes[8] == 0x20,
            (9..<12).allSatisfy({ HeadFields.isDigit(bytes[$0]) }), lineEnd == 12 || bytes[12] == 0x20,
            (12..<lineEnd).allSatisfy({ !BodyReader.isControl(bytes[$0]) || bytes[$0] == 0x09 })
        else {
            throw HeadError(reason: "a status line that is not HTTP/1.x CODE REASON")
        }
        let code = (9..<12).reduce(0) { $0 * 10 + Int(bytes[$1] - UInt8(ascii: "0")) }
        guard code != 101 else {
            // The relay sends no `Upgrade`, so no upstream should switch; what follows would not be HTTP.
            throw HeadError(reason: "an upstream switching protocols (101), which the proxy does not relay")
        }
        let fields = try HeadFields(bytes, from: next, to: length)
        status = HTTPResponseStatus(statusCode: code)
        guard fields.chunked == nil || fields.contentLength == nil else {
            // The client could read a different message than the relay does.
            throw HeadError(reason: "both Transfer-Encoding and Content-Length")
        }
        guard fields.chunked == nil || bytes[7] == UInt8(ascii: "1") else {
            throw HeadError(reason: "Transfer-Encoding in an HTTP/1.0 answer")
        }
        if (100..<200).contains(code) || code == 204 || code == 304 || method == .HEAD {
            framing = .none
        } else if fields.chunked == true {
            framing = .chunked
        } else {
            framing = fields.contentLength.map { .length($0) } ?? .untilClose
        }
        keepAlive =
            (bytes[7] == UInt8(ascii: "1") ? !fields.close : fields.keepAlive && !fields.close)
            && framing != .untilClose
        content = fields.contentType.map { Self.content(UnsafeRawBufferPointer(rebasing: bytes[$0])) } ?? .other
        var head = ByteBuffer()
        head.reserveCapacity(length + 24)
        head.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<lineEnd]))
        head.writeStaticString("\r\n")
        fields.write(bytes, to: &head, without: dechunked && framing == .chunked ? .transferEncoding : nil)
        clientHead = head
    }

    /// SSE for `text/event-stream`, JSON for a type that names it (`application/json`, `…+json`), in any case.
    static func content(_ type: UnsafeRawBufferPointer) -> Content {
        if type.count >= 17, HeadFields.same(type, 0..<17, "text/event-stream") { return .eventStream }
        var last4: UInt32 = 0
        for byte in type {
            // `| 0x20` lowercases an ASCII letter; of the other bytes none becomes one of j, s, o, n.
            last4 = last4 << 8 | UInt32(byte | 0x20)
            if last4 == 0x6A73_6F6E { return .json }  // "json"
        }
        return .other
    }
}
