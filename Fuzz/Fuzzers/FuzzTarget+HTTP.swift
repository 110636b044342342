import NIOCore
import NIOHTTP1

@testable import Engine
@testable import MCPProxy

extension FuzzTarget {
    /// What one side of the relay wrote, given one side's bytes.
    struct HTTPRelayed: Equatable {
        /// The bytes written on, in order (to the upstream for a client's bytes, to the client for the
        /// upstream's).
        var written: [UInt8] = []
        /// The client was answered by the relay itself (a refusal, a 502), or its connection closed.
        var refused = false
        var closed = false
    }

    /// The HTTP proxy's relay (`RelayStateMachine`, with `HeadFields`, `RequestHead`, `ResponseHead` and
    /// `BodyReader`) given one connection's bytes. The first byte says whose bytes the rest are — bit 0: the
    /// client's, or the upstream's answering a POST (or a HEAD, bit 1) — and the size of the pieces they
    /// arrive in (the bits above). Each request the client sends is answered once it ended.
    /// Checks: read in pieces, the bytes are relayed exactly as when they arrive at once (no message ends
    /// elsewhere; when they were refused, what was relayed before is the same as far as the whole read got);
    /// and what the relay writes on, relayed once more, comes out unchanged (what it sends cannot be read as
    /// another message).
    static func relayHTTP(_ input: UnsafeBufferPointer<UInt8>) {
        guard let control = input.first else { return }
        let bytes = Array(input[1...])
        let fromClient = control & 1 == 0
        let method = control & 2 == 0 ? "POST" : "HEAD"
        let piece = Int(control >> 2) + 1
        let whole = relay(bytes, fromClient: fromClient, method: method, piece: max(1, bytes.count))
        let pieces = relay(bytes, fromClient: fromClient, method: method, piece: piece)
        if whole.refused || pieces.refused {
            check(whole.refused == pieces.refused, "read in pieces of \(piece), the bytes were refused differently")
            check(
                pieces.written.starts(with: whole.written) || whole.written.starts(with: pieces.written),
                "read in pieces of \(piece), the bytes before the refusal were relayed differently"
            )
            return
        }
        check(whole == pieces, "read in pieces of \(piece), the bytes were relayed differently")
        let again = relay(whole.written, fromClient: fromClient, method: method, piece: max(1, whole.written.count))
        check(again.written == whole.written, "what the relay wrote on reads differently when relayed again")
    }

    /// Relays `bytes` from one side, `piece` bytes at a time.
    private static func relay(_ bytes: [UInt8], fromClient: Bool, method: String, piece: Int) -> HTTPRelayed {
        let upstream = try! UpstreamURL("http://up:9/mcp")
        var machine = RelayStateMachine(
            config: RelayStateMachine.Config(
                hostHeader: upstream.hostHeader,
                upstream: upstream,
                responseTimeout: .seconds(30),
                messageLimit: 4096,
                consultsCache: false
            )
        )
        var relayed = HTTPRelayed()
        var toUpstream: [UInt8] = []
        var toClient: [UInt8] = []
        func perform(_ actions: [RelayAction]) {
            for action in actions {
                switch action {
                case .connectUpstream(let number): perform(machine.upstreamConnected(number))
                case .writeUpstream(let buffer, _): toUpstream += buffer.readableBytesView
                case .writeClient(let buffer): toClient += buffer.readableBytesView
                case .closeClient: relayed.closed = true
                case .observe(.refused), .observe(.failed), .observe(.misframedAnswer): relayed.refused = true
                default: break
                }
            }
        }
        var offset = 0
        if fromClient {
            while offset < bytes.count, !relayed.closed {
                let end = min(bytes.count, offset + piece)
                perform(machine.clientRead(ByteBuffer(bytes: bytes[offset..<end])))
                offset = end
                // Each request that ended is answered, so the next one (pipelined) is read.
                while case .exchange(let exchange) = machine.state, exchange.requestEnded, !exchange.answered,
                    let number = machine.upstream.number
                {
                    perform(machine.upstreamRead(number, ByteBuffer(string: "HTTP/1.1 204 No Content\r\n\r\n")))
                }
            }
            relayed.written = toUpstream
        } else {
            perform(machine.clientRead(ByteBuffer(string: "\(method) /mcp HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}")))
            while offset < bytes.count, !relayed.closed, let number = machine.upstream.number {
                let end = min(bytes.count, offset + piece)
                perform(machine.upstreamRead(number, ByteBuffer(bytes: bytes[offset..<end])))
                offset = end
            }
            // An answer framed by the connection's end ends with it.
            if let number = machine.upstream.number { perform(machine.upstreamClosed(number, error: nil)) }
            relayed.written = toClient
        }
        return relayed
    }
}
