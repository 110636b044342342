import NIOHTTP1

@testable import Engine
@testable import MCPProxy

extension FuzzTarget {
    /// What the HTTP proxy read of one connection's bytes, message after message.
    struct HTTPReading: Equatable {
        /// Each head as it is written on.
        var heads: [[UInt8]] = []
        /// Each body's length on the wire, and all the payload handed to the observer.
        var bodies: [Int] = []
        var payload: [UInt8] = []
        /// Why reading stopped, when the bytes were refused.
        var refused: String?
    }

    /// The HTTP proxy's byte relay reading a connection (`HeadFields`, `RequestHead`, `ResponseHead`,
    /// `BodyReader`). The first byte says whose bytes the rest are — bit 0: the client's, or the upstream's
    /// answering a POST (or a HEAD, bit 1) — and the size of the pieces they arrive in (the bits above).
    /// Checks: read in pieces, the bytes are read exactly as when they arrive at once (no message ends
    /// elsewhere); a head written on is read back the same way (what the relay sends cannot be read as
    /// another message; whether a connection is kept is the relay's to say on each side, so not compared);
    /// payload never exceeds the body it came in.
    static func relayHTTP(_ input: UnsafeBufferPointer<UInt8>) {
        guard let control = input.first else { return }
        let bytes = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[1...]))
        let fromClient = control & 1 == 0
        let method: HTTPMethod = control & 2 == 0 ? .POST : .HEAD
        let whole = readHTTP(bytes, fromClient: fromClient, method: method, piece: max(1, bytes.count))
        let pieces = readHTTP(bytes, fromClient: fromClient, method: method, piece: Int(control >> 2) + 1)
        check(whole == pieces, "read in pieces of \(Int(control >> 2) + 1), the bytes were read differently")
        check(whole.bodies.reduce(0, +) >= whole.payload.count, "more payload than body")
    }

    private static func readHTTP(
        _ bytes: UnsafeRawBufferPointer,
        fromClient: Bool,
        method: HTTPMethod,
        piece: Int
    ) -> HTTPReading {
        var reading = HTTPReading()
        var pending: [UInt8] = []
        var scanned = 0
        var body: BodyReader?
        var bodyLength = 0
        var payloadBefore = 0
        var offset = 0
        while offset < bytes.count, reading.refused == nil {
            let end = min(bytes.count, offset + piece)
            pending += bytes[offset..<end]
            offset = end
            while reading.refused == nil {
                if body == nil {
                    if fromClient {
                        // As the relay does: empty lines before a request are skipped.
                        let blank = pending.prefix { $0 == 0x0D || $0 == 0x0A }.count
                        pending.removeFirst(blank)
                    }
                    let head = pending.withUnsafeBytes {
                        readHead($0, &scanned, fromClient: fromClient, method: method)
                    }
                    switch head {
                    case .none: break
                    case .refused(let reason): reading.refused = reason
                    case .read(let written, let length, let framing, let informational):
                        reading.heads.append(written)
                        pending.removeFirst(length)
                        scanned = 0
                        if !informational {
                            body = BodyReader(framing)
                            payloadBefore = reading.payload.count
                        }
                        continue
                    }
                    break
                }
                do {
                    let length = try pending.withUnsafeBytes { pending in
                        try body!.read(pending) { reading.payload += $0 }
                    }
                    pending.removeFirst(length)
                    bodyLength += length
                } catch {
                    // What was read of a refused body depends on where its bytes were cut: not compared.
                    reading.refused = (error as? BodyReader.Malformed)?.reason ?? "\(error)"
                    reading.payload.removeLast(reading.payload.count - payloadBefore)
                    body = nil
                    break
                }
                guard body!.isDone else { break }
                reading.bodies.append(bodyLength)
                bodyLength = 0
                body = nil
            }
        }
        if body != nil { reading.bodies.append(bodyLength) }
        return reading
    }

    private enum HeadRead {
        case none
        case refused(String)
        case read(written: [UInt8], length: Int, framing: BodyFraming, informational: Bool)
    }

    /// Reads a head as the relay does, and reads what it writes on once more: it must say the same.
    private static func readHead(
        _ bytes: UnsafeRawBufferPointer,
        _ scanned: inout Int,
        fromClient: Bool,
        method: HTTPMethod
    ) -> HeadRead {
        do {
            guard let length = try HeadFields.completeHead(bytes, scanned: &scanned) else { return .none }
            if fromClient {
                let head = try RequestHead(bytes, length: length, host: "upstream:1")
                let written = Array(head.upstreamHead.readableBytesView)
                let again = try written.withUnsafeBytes { written in
                    var scanned = 0
                    let length = HeadFields.headLength(written, scanned: &scanned)
                    check(length == written.count, "a head written on is not one head")
                    return try RequestHead(written, length: written.count, host: "upstream:1")
                }
                check(
                    again.framing == head.framing && again.method == head.method && again.session == head.session
                        && again.upstreamHead == head.upstreamHead,
                    "a request head written on reads differently"
                )
                return .read(written: written, length: length, framing: head.framing, informational: false)
            }
            let head = try ResponseHead(bytes, length: length, method: method)
            let written = Array(head.clientHead.readableBytesView) + Array("\r\n".utf8)
            let again = try written.withUnsafeBytes { try ResponseHead($0, length: $0.count, method: method) }
            check(
                again.framing == head.framing && again.status == head.status && again.content == head.content,
                "an answer head written on reads differently"
            )
            return .read(written: written, length: length, framing: head.framing, informational: head.isInformational)
        } catch {
            return .refused((error as? HeadError)?.reason ?? "\(error)")
        }
    }
}
