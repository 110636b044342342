import MetricsWire

/// What a recording asks of a replay: the client's lines in order, each request with its recorded answer and
/// latency, and the client's recorded answers to the server's requests, by method.
struct ReplayPlan {
    enum Step {
        /// A line to send as it is (a notification, or a line that is not JSON-RPC).
        case send([UInt8])
        /// A request to send and wait for: its recorded answer (when there is one) and latency.
        case request(Request)
    }

    struct Request {
        var bytes: [UInt8]
        var value: JSONValue
        var id: RPCID
        var method: String
        var call: String
        var line: Int
        var answer: JSONValue?
        var recordedMs: Double?
    }

    var steps: [Step] = []
    /// The client's recorded answers to the server's requests, by the request's method, in order.
    var clientAnswers: [String: [JSONValue]] = [:]

    init(_ recording: Recording) {
        var serverRequests: [RPCID: String] = [:]
        var answers: [RPCID: [(JSONValue, Double)]] = [:]
        for record in recording.records where record.direction == .serverToClient {
            guard let value = record.bytes.flatMap(Self.parse) else { continue }
            switch RPCMessage(value) {
            case .request(let id, let method, _): serverRequests[id] = method
            case .response(let id?, _): answers[id, default: []].append((value, record.time))
            default: break
            }
        }
        for record in recording.records where record.direction == .clientToServer {
            guard let bytes = record.bytes else { continue }
            guard let value = Self.parse(bytes) else {
                steps.append(.send(bytes))
                continue
            }
            switch RPCMessage(value) {
            case .request(let id, let method, let params):
                var answer: (JSONValue, Double)?
                if var queue = answers[id], !queue.isEmpty {
                    answer = queue.removeFirst()
                    answers[id] = queue
                }
                steps.append(
                    .request(
                        Request(
                            bytes: bytes,
                            value: value,
                            id: id,
                            method: method,
                            call: Self.call(method, params),
                            line: record.line,
                            answer: answer?.0,
                            recordedMs: answer.map { max(0, ($0.1 - record.time) * 1000) }
                        )
                    )
                )
            case .response(let id?, _):
                if let method = serverRequests[id] { clientAnswers[method, default: []].append(value) }
            default:
                steps.append(.send(bytes))
            }
        }
    }

    /// `tools/call search`, `prompts/get greeting`, `resources/read file:///x`, or the method alone.
    static func call(_ method: String, _ params: JSONValue?) -> String {
        let target = params?["name"]?.stringValue ?? params?["uri"]?.stringValue
        return target.map { "\(method) \(DisplayText.singleLine($0, maxLength: 60))" } ?? method
    }

    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { try? JSONParser.parse($0) }
    }
}
