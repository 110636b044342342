import AsyncHTTPClient
import Foundation
import MetricsWire
import NIOCore
import NIOHTTP1

/// Calls the engine's control API: start a test upload, reset the metrics.
///
/// Every call sends `Authorization: Bearer <token>` when a ``ControlCredential`` is known, and turns each
/// refusal into a ``ControlError`` that carries the server's own message (its `{"error":{"message"}}`).
public struct ControlClient: Sendable {
    /// The engine to control.
    public let target: MetricsTarget
    /// The token sent, if any.
    public let credential: ControlCredential?
    /// The longest a call may take.
    public var timeout: Duration

    /// Largest answer read.
    static let maxAnswerBytes = 64 * 1024

    /// Creates a client for `target`.
    public init(target: MetricsTarget, credential: ControlCredential?, timeout: Duration = .seconds(10)) {
        self.target = target
        self.credential = credential
        self.timeout = timeout
    }

    /// `POST /v1/uploads/test {"files":N,"size_bytes":S}`: starts an upload of generated test files.
    @discardableResult
    public func startTestUpload(
        files: Int = 4,
        sizeBytes: Int = 2 << 20
    ) async throws(ControlError)
        -> TestUploadReceipt
    {
        let body = Data(#"{"files":\#(files),"size_bytes":\#(sizeBytes)}"#.utf8)
        let answer = try await post("/v1/uploads/test", body: body)
        return (try? JSONDecoder().decode(TestUploadReceipt.self, from: answer)) ?? TestUploadReceipt()
    }

    /// `POST /v1/reset`: resets the server's counters and windows.
    public func reset() async throws(ControlError) {
        _ = try await post("/v1/reset", body: Data("{}".utf8))
    }

    /// `GET /v1/messages?after=SEQ&limit=N`: the messages a proxy relayed after `after` that it still keeps,
    /// oldest first, at most `limit`. Polled often, so it goes through one client kept for the process.
    public func messages(after: Int, limit: Int) async throws(ControlError) -> MessagesPage {
        let answer = try await send(
            .GET,
            "/v1/messages?after=\(max(0, after))&limit=\(limit)",
            client: Self.pollingClient,
            maxBytes: Self.maxMessagesBytes
        )
        guard let page = MessagesPage.read(Array(answer)) else {
            throw ControlError(
                .badResponse,
                call: "GET \(target.baseURL)/v1/messages",
                status: 200,
                reason: "the answer is not a page of messages"
            )
        }
        return page
    }

    /// `GET /v1/tools`: the server's tools as a tools baseline document (the bytes as served).
    public func tools() async throws(ControlError) -> Data {
        try await send(.GET, "/v1/tools", maxBytes: Self.maxToolsBytes)
    }

    /// Largest tools document read: a few thousand tools with long descriptions.
    static let maxToolsBytes = 64 << 20

    /// Largest page of messages read: 2 000 captured payloads of 64 KiB and their metadata.
    static let maxMessagesBytes = 160 << 20

    /// The client of repeated calls (messages), kept for the life of the process: it keeps its connections.
    static let pollingClient = MetricsFetcher.makeClient(requestTimeout: .seconds(10))

    private func post(_ path: String, body: Data) async throws(ControlError) -> Data {
        try await send(.POST, path, body: body, maxBytes: Self.maxAnswerBytes)
    }

    /// Sends one call; with no `client`, a client made for it and shut down after.
    private func send(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        client shared: HTTPClient? = nil,
        maxBytes: Int
    ) async throws(ControlError) -> Data {
        let url = target.baseURL + path
        let call = "\(method.rawValue) \(url)"
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let credential { request.headers.add(name: "Authorization", value: "Bearer \(credential.token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }

        let client = shared ?? MetricsFetcher.makeClient(requestTimeout: timeout)
        let outcome: Result<(status: Int, body: Data), any Error>
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.inSeconds * 1e9)))
            var answer = Data()
            for try await chunk in response.body {
                answer.append(contentsOf: chunk.readableBytesView.prefix(maxBytes - answer.count))
                if answer.count >= maxBytes { break }
            }
            outcome = .success((Int(response.status.code), answer))
        } catch {
            outcome = .failure(error)
        }
        if shared == nil { try? await client.shutdown() }

        switch outcome {
        case .failure(let error):
            let failure = FetchErrorClassifier.classify(error, timeout: timeout, progress: .init())
            throw ControlError(.unreachable, call: call, reason: failure.reason, hint: failure.hint)
        case .success(let answer) where (200..<300).contains(answer.status):
            return answer.body
        case .success(let answer):
            throw refusal(call: call, status: answer.status, body: answer.body)
        }
    }

    private func refusal(call: String, status: Int, body: Data) -> ControlError {
        let message = ServerMessage.extract(body)
        switch status {
        case 401:
            if let credential {
                return ControlError(
                    .unauthorized,
                    call: call,
                    status: status,
                    serverMessage: message,
                    reason: "the server refused the token from \(credential)",
                    hint: "pass the server's token with --token or METRICS_CONTROL_TOKEN"
                )
            }
            return ControlError(
                .unauthorized,
                call: call,
                status: status,
                serverMessage: message,
                reason: "no control token was found",
                hint: "pass --token or set METRICS_CONTROL_TOKEN (a local engine's token file is read by itself)"
            )
        case 403:
            return ControlError(
                .forbidden,
                call: call,
                status: status,
                serverMessage: message,
                reason: "the server does not allow this call",
                hint: "use a token that is allowed to control this server"
            )
        case 501:
            return ControlError(
                .notImplemented,
                call: call,
                status: status,
                serverMessage: message,
                reason: "the server cannot do this"
            )
        case 404, 405:
            return ControlError(
                .notFound,
                call: call,
                status: status,
                serverMessage: message,
                reason: "the server has no such control endpoint",
                hint: "only the dashboard engine has a control API; the Python metrics server only serves /metrics"
            )
        case 300..<400:
            return ControlError(
                .badResponse,
                call: call,
                status: status,
                reason: "the server answered with a redirect, which is not followed"
            )
        case 400..<500:
            return ControlError(
                .rejected,
                call: call,
                status: status,
                serverMessage: message,
                reason: "the server refused the request"
            )
        default:
            return ControlError(
                .serverError,
                call: call,
                status: status,
                serverMessage: message,
                reason: "the server failed",
                hint: "check the server's logs"
            )
        }
    }
}
