import Foundation
import MetricsWire

/// One replay in progress: sends the plan's steps to the server, answers its requests from the recording,
/// and compares each answer with the recorded one.
struct ReplaySession {
    var plan: ReplayPlan
    /// Sends one message (a line over stdio, a POST over HTTP); false once the server cannot take more.
    let send: @Sendable ([UInt8]) -> Bool
    var events: AsyncStream<LineReader.Event>.Iterator
    let ignoring: Set<String>
    let timeout: Duration
    /// The newest `requestState` the server gave each call (by method and target), for its retry.
    var requestStates: [String: JSONValue] = [:]
    var serverOpen = true

    init(
        plan: ReplayPlan,
        send: @escaping @Sendable ([UInt8]) -> Bool,
        lines: LineReader,
        ignoring: Set<String>,
        timeout: Duration
    ) {
        self.plan = plan
        self.send = send
        self.events = lines.events.makeAsyncIterator()
        self.ignoring = ignoring.union(["/id"])
        self.timeout = timeout
    }

    /// Why a request went unanswered when the server's output ended before its answer.
    static let serverGone = "the server exited first"

    mutating func run() async -> [ReplayedCall] {
        var results: [ReplayedCall] = []
        for step in plan.steps {
            switch step {
            case .send(let bytes):
                write(bytes)
            case .request(let request):
                results.append(await replay(request))
            }
        }
        return results
    }

    private mutating func replay(_ request: ReplayPlan.Request) async -> ReplayedCall {
        var result = ReplayedCall(
            call: request.call,
            line: request.line,
            recordedMs: request.recordedMs,
            replayedMs: nil,
            outcome: .unanswered("no answer")
        )
        var value = request.value
        var bytes = request.bytes
        // A retry carries the state the server sent with its `input_required` answer: this server's, now.
        if value["params"]?["requestState"] != nil, let state = requestStates[request.call] {
            value = Self.replacing(value, path: ["params", "requestState"], with: state)
            bytes = Array(value.compactText.utf8) + [0x0A]
        }
        let start = ContinuousClock.now
        write(bytes)
        guard let answer = await answer(to: request.id, until: start + timeout) else {
            result.outcome = .unanswered(serverOpen ? "no answer within \(timeout)" : Self.serverGone)
            return result
        }
        result.replayedMs = (ContinuousClock.now - start).inMilliseconds
        requestStates[request.call] = answer["result"]?["requestState"]
        guard let recorded = request.answer else {
            result.outcome = .unanswered("no answer was recorded")
            return result
        }
        if let difference = JSONDifference.first(recorded: recorded, replayed: answer, ignoring: ignoring) {
            result.outcome = .differs(difference)
        } else {
            result.outcome = .same
        }
        return result
    }

    /// Reads the server's lines until the answer to `id`, answering its requests on the way.
    private mutating func answer(to id: RPCID, until deadline: ContinuousClock.Instant) async -> JSONValue? {
        while let line = await nextLine(until: deadline) {
            guard let value = ReplayPlan.parse(line) else { continue }
            switch RPCMessage(value) {
            case .response(let answered?, _) where answered == id:
                return value
            case .request(let serverID, let method, _):
                answerServer(serverID, method: method)
            default:
                continue
            }
        }
        return nil
    }

    /// Answers the server's request with the recorded client's next answer to one of that method (its id
    /// replaced), or a JSON-RPC error when the recording has none.
    private mutating func answerServer(_ id: RPCID, method: String) {
        let idValue: JSONValue =
            switch id {
            case .number(let text): .number(text)
            case .string(let text): .string(text)
            }
        var reply: JSONValue
        if var queue = plan.clientAnswers[method], !queue.isEmpty {
            reply = Self.replacing(queue.removeFirst(), path: ["id"], with: idValue)
            plan.clientAnswers[method] = queue
        } else {
            reply = .object([
                JSONMember(key: "jsonrpc", value: .string("2.0"), range: 0..<0),
                JSONMember(key: "id", value: idValue, range: 0..<0),
                JSONMember(
                    key: "error",
                    value: .object([
                        JSONMember(key: "code", value: .number("-32601"), range: 0..<0),
                        JSONMember(
                            key: "message",
                            value: .string("the recording has no answer to \(method)"),
                            range: 0..<0
                        ),
                    ]),
                    range: 0..<0
                ),
            ])
        }
        write(Array(reply.compactText.utf8) + [0x0A])
    }

    /// The server's next line; nil at the deadline, or when the server closed its output.
    private mutating func nextLine(until deadline: ContinuousClock.Instant) async -> [UInt8]? {
        while ContinuousClock.now < deadline {
            switch await events.next() {
            case .line(let line)?: return line
            case .tick?: continue
            case nil:
                serverOpen = false
                return nil
            }
        }
        return nil
    }

    /// Sends one message.
    private mutating func write(_ bytes: [UInt8]) {
        guard serverOpen else { return }
        serverOpen = send(bytes)
    }

    /// `value` with the member at `path` (object keys) set to `replacement`.
    static func replacing(_ value: JSONValue, path: [String], with replacement: JSONValue) -> JSONValue {
        guard let key = path.first, case .object(var members) = value else { return replacement }
        guard let index = members.firstIndex(where: { $0.key == key }) else { return value }
        members[index].value = replacing(members[index].value, path: Array(path.dropFirst()), with: replacement)
        return .object(members)
    }
}
