import Foundation
import MetricsWire

extension ProxyObserver {
    /// Logs a call the cache answered: the client's request, and the answer the proxy wrote in the server's
    /// place (outcome `cached`).
    func logCached(
        id: RPCID,
        params: JSONValue?,
        answer: [UInt8],
        in messages: MessageLog,
        session: String,
        line: UnsafeBufferPointer<UInt8>,
        value: JSONValue,
        at instant: ContinuousClock.Instant
    ) {
        let request = RPCMessage.request(id: id, method: "tools/call", params: params)
        messages.append(
            request,
            direction: .clientToServer,
            session: session,
            bytes: line.count,
            value: value,
            at: instant
        )
        let body = answer.last == 0x0A ? answer.dropLast() : answer[...]
        let parsed = messages.capture ? body.withUnsafeBufferPointer { try? JSONParser.parse($0) } : nil
        messages.append(
            .response(id: id, outcome: .result(.null)),
            direction: .serverToClient,
            session: session,
            bytes: body.count,
            value: parsed,
            at: .now
        )
        messages.answered(
            id,
            requester: .client,
            session: session,
            method: "tools/call",
            tool: Self.toolName(params),
            latency: .now - instant,
            outcome: "cached"
        )
    }
}

extension RPCSide {
    /// The direction of a message this side sent.
    var direction: MessageDirection { self == .client ? .clientToServer : .serverToClient }
}
