import Engine
import Tracing

/// Makes OpenTelemetry spans of ``RequestSpan``s, named and attributed as the OpenTelemetry semantic
/// conventions for MCP say (`docs/gen-ai/mcp.md`): `{mcp.method.name} {target}`, kind SERVER, the caller's
/// span as parent, each later round of a call linked to its first.
struct SpanMaker {
    let exporter: OTLPExporter
    let tracer: any Tracer
    /// The first round's span of each call still going on, for its later rounds' links.
    var firstRounds: [Int: ServiceContext] = [:]
    static let maxOpenCalls = 10_000

    mutating func make(_ spans: [EndedSpan]) {
        for span in spans {
            switch span {
            case .request(let request): make(request)
            case .operation(let operation): make(operation, context: .topLevel)
            }
        }
    }

    /// Makes an engine's operation span, a child of `context`, and its children's under it.
    func make(_ operation: OperationSpan, context: ServiceContext) {
        let kind: SpanKind =
            switch operation.kind {
            case .server: .server
            case .client: .client
            case .internal: .internal
            }
        let span = tracer.startSpan(
            operation.name,
            context: context,
            ofKind: kind,
            at: exporter.wallClock(operation.start)
        )
        var attributes: SpanAttributes = [:]
        for (name, value) in operation.attributes {
            switch value {
            case .string(let text): attributes[name] = text
            case .int(let number): attributes[name] = Int64(number)
            case .double(let number): attributes[name] = number
            case .bool(let flag): attributes[name] = flag
            }
        }
        if let errorType = operation.errorType {
            attributes["error.type"] = errorType
            span.setStatus(SpanStatus(code: .error, message: errorType))
        }
        span.attributes = attributes
        for child in operation.children { make(child, context: span.context) }
        span.end(at: exporter.wallClock(operation.end))
    }

    mutating func make(_ request: RequestSpan) {
        var context = ServiceContext.topLevel
        if let parent = request.parent {
            var carrier = ["traceparent": parent.traceparent]
            carrier["tracestate"] = parent.tracestate
            tracer.extract(carrier, into: &context, using: DictionaryExtractor())
        }
        let name = request.target.map { "\(request.method) \($0)" } ?? request.method
        let span = tracer.startSpan(name, context: context, ofKind: .server, at: exporter.wallClock(request.start))
        var attributes: SpanAttributes = [:]
        attributes["mcp.method.name"] = request.method
        switch request.method {
        case "tools/call":
            attributes["gen_ai.operation.name"] = "execute_tool"
            if let tool = request.tool { attributes["gen_ai.tool.name"] = tool }
        case "prompts/get":
            if let prompt = request.target { attributes["gen_ai.prompt.name"] = prompt }
        case "resources/read":
            if let uri = request.target { attributes["mcp.resource.uri"] = uri }
        default:
            break
        }
        attributes["jsonrpc.request.id"] = request.requestID
        if let version = request.protocolVersion { attributes["mcp.protocol.version"] = version }
        if !request.session.isEmpty { attributes["mcp.session.id"] = request.session }
        if let peer = exporter.peer {
            attributes["network.transport"] = peer.transport
            if let address = peer.address { attributes["server.address"] = address }
            if let port = peer.port { attributes["server.port"] = Int64(port) }
        }
        if let errorType = request.errorType {
            attributes["error.type"] = errorType
            span.setStatus(SpanStatus(code: .error, message: request.message.isEmpty ? errorType : request.message))
        }
        if let arguments = request.arguments { attributes["gen_ai.tool.call.arguments"] = arguments }
        if let result = request.result { attributes["gen_ai.tool.call.result"] = result }
        span.attributes = attributes
        for mark in request.progress {
            var event: SpanAttributes = [:]
            if let progress = mark.progress { event["mcp.progress"] = progress }
            if let total = mark.total { event["mcp.progress.total"] = total }
            if let message = mark.message { event["mcp.progress.message"] = message }
            span.addEvent(
                SpanEvent(name: "notifications/progress", at: exporter.wallClock(mark.instant), attributes: event)
            )
        }
        if request.round > 1, let first = firstRounds[request.call] {
            span.addLink(SpanLink(context: first, attributes: ["mcp.round": .int64(Int64(request.round))]))
        }
        if request.asksForInput {
            if request.round == 1 {
                if firstRounds.count >= Self.maxOpenCalls { firstRounds.removeAll() }
                firstRounds[request.call] = span.context
            }
        } else {
            firstRounds[request.call] = nil
        }
        span.end(at: exporter.wallClock(request.end))
    }
}

/// Reads a trace context from a dictionary of its fields.
struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
