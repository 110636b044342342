import Engine
import NIOHTTP1

/// What the observer is given of one upstream answer while it is relayed: a JSON body once it is complete,
/// each SSE event once the chunk that ends it was written to the client. It reads; the observer is told by
/// the relay's actions (``RelayObservation``).
struct AnswerReading {
    let status: HTTPResponseStatus
    let method: HTTPMethod
    /// Whether the answer is an SSE stream.
    let isStream: Bool
    /// Whether the answer is JSON (read whole once it ended).
    let isJSON: Bool
    private(set) var events: SSEReader
    /// The JSON body, when the answer is one.
    let body: BodyCapture

    init(_ head: ResponseHead, method: HTTPMethod, messageLimit: Int) {
        self.status = head.status
        self.method = method
        self.isStream = head.content == .eventStream
        self.isJSON = head.content == .json
        self.events = SSEReader(dataLimit: messageLimit)
        self.body = BodyCapture(limit: messageLimit)
    }

    /// Whether the answer opens a GET SSE stream (handshake era), which is a stream and not a call.
    var opensGetStream: Bool {
        method == .GET && isStream && (200..<300).contains(status.code)
    }

    /// Reads payload about to be written to the client; adds the events it completed to `found`, to be
    /// observed once it was written.
    mutating func read(_ payload: UnsafeRawBufferPointer, into found: inout [SSEReader.Event]) {
        if isStream {
            events.read(payload) { found.append($0) }
        } else if isJSON {
            body.append(payload)
        }
    }

    /// The answer ended: the stream's last event is read.
    mutating func finish() {
        if isStream { events.finish() }
    }
}
