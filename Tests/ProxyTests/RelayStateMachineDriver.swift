import NIOCore
import NIOHTTP1

@testable import Engine
@testable import MCPProxy

/// A ``RelayStateMachine`` driven by hand, without sockets: each event's actions read back as lines of text,
/// the bytes written shown as they are.
struct RelayDriver {
    var machine: RelayStateMachine

    init(consultsCache: Bool = false, timeout: Duration = .seconds(30)) {
        let upstream = try! UpstreamURL("http://up:9/mcp")
        machine = RelayStateMachine(
            config: RelayStateMachine.Config(
                hostHeader: upstream.hostHeader,
                upstream: upstream,
                responseTimeout: timeout,
                messageLimit: 1024,
                consultsCache: consultsCache
            )
        )
    }

    /// The client sends `text`.
    mutating func client(_ text: String) -> [String] {
        Self.describe(machine.clientRead(ByteBuffer(string: text)))
    }

    /// The upstream sends `text` on connection `number`.
    mutating func upstream(_ text: String, on number: Int = 1) -> [String] {
        Self.describe(machine.upstreamRead(number, ByteBuffer(string: text)))
    }

    mutating func connected(_ number: Int = 1) -> [String] {
        Self.describe(machine.upstreamConnected(number))
    }

    mutating func upstreamClosed(_ number: Int = 1, error: (any Error)? = nil) -> [String] {
        Self.describe(machine.upstreamClosed(number, error: error))
    }

    /// Sends a request and connects its upstream; returns what the upstream got.
    mutating func sendAndConnect(_ request: String) -> [String] {
        _ = client(request)
        return connected().filter { $0.hasPrefix("upstream:") }
    }

    /// The exchange the machine is in, if any.
    var exchange: RelayExchange? {
        if case .exchange(let exchange) = machine.state { return exchange }
        return nil
    }

    var isIdle: Bool {
        if case .idle = machine.state { return true }
        return false
    }

    var isClosing: Bool {
        if case .closing = machine.state { return true }
        return false
    }

    static func describe(_ actions: [RelayAction]) -> [String] {
        actions.map(describe)
    }

    static func describe(_ action: RelayAction) -> String {
        switch action {
        case .connectUpstream(let number): "connect \(number)"
        case .writeUpstream(let bytes, let exchange):
            "upstream: \(String(buffer: bytes))" + (exchange.map { " [marks \($0)]" } ?? "")
        case .flushUpstream: "flush upstream"
        case .closeUpstream: "close upstream"
        case .writeClient(let bytes): "client: \(String(buffer: bytes))"
        case .flushClient: "flush client"
        case .closeClient: "close client"
        case .readClient(let on): "read client \(on ? "on" : "off")"
        case .readUpstream(let on): "read upstream \(on ? "on" : "off")"
        case .startTimeout(let exchange): "timeout \(exchange)"
        case .cancelTimeout: "cancel timeout"
        case .observe(let observation): "observe " + describe(observation)
        }
    }

    static func describe(_ observation: RelayObservation) -> String {
        switch observation {
        case .request(_, let body, _, let consultsCache):
            "request \(String(buffer: body))" + (consultsCache ? " [cache]" : "")
        case .streamedRequest: "streamed request"
        case .answerBegan(_, let opensGetStream): "answer" + (opensGetStream ? " [GET stream]" : "")
        case .events(_, let found): "\(found.count) events"
        case .answerEnded(_, let reading): "answer ended \(reading.status.code)"
        case .answerDropped: "answer dropped"
        case .clientLeft(_, let reading): "client left" + (reading == nil ? "" : " mid-answer")
        case .failed(_, let failure): "failed \(failure.errorType)"
        case .refused(let reason): "refused: \(reason)"
        case .misframedAnswer: "misframed answer"
        }
    }
}
