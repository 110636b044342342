import Engine
import MetricsWire

extension ProxyObserver {
    /// Hands `request`'s span to the sink, if spans are made: it ended at `instant` (failed when
    /// `errorType` is given), or its round did, answered `input_required` (`asksForInput`).
    func spanEnded(
        _ request: PendingRequest,
        fromServer: Bool = false,
        errorType: String?,
        message: String,
        at instant: ContinuousClock.Instant,
        asksForInput: Bool = false,
        result: JSONValue? = nil
    ) {
        guard let spans else { return }
        var span = RequestSpan(
            method: request.method,
            target: request.target ?? request.tool,
            tool: request.tool,
            requestID: request.id.jsonText,
            session: request.session,
            protocolVersion: request.version,
            fromServer: fromServer,
            start: request.start,
            end: instant,
            errorType: errorType,
            message: message,
            parent: request.trace,
            call: request.call,
            round: (request.earlier?.count ?? 0) + 1,
            asksForInput: asksForInput,
            progress: request.progressMarks
        )
        if spanPayloads, request.tool != nil {
            span.arguments = request.arguments
            span.result = result?.redactedText(limit: RequestSpan.maxPayloadBytes)
        }
        spans.spanEnded(span)
    }
}
