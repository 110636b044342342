import Foundation
import Hummingbird
import MetricsWire

extension MetricsEndpoint {
    /// One call in a `POST /v1/tool-calls` body.
    struct IngestedCall: Decodable {
        var tool: String
        var latencyMs: Double
        var success: Bool
        var errorType: String?

        enum CodingKeys: String, CodingKey {
            case tool
            case latencyMs = "latency_ms"
            case success
            case errorType = "error_type"
        }
    }

    /// Records a batch of calls from another process. The batch is all or nothing: any invalid call refuses
    /// the whole request (naming the first bad one), so a 200 means every call was recorded.
    func ingest(_ request: Request) async throws -> Response {
        let calls = try Self.ingestedCalls(try await readBody(request))
        for call in calls {
            collector.record(
                tool: call.tool,
                latencyMs: call.latencyMs,
                success: call.success,
                errorType: call.errorType
            )
        }
        return Response.json(["recorded": calls.count])
    }

    /// The calls of a `POST /v1/tool-calls` body, every one checked; throws the 400 naming the first problem.
    static func ingestedCalls(_ body: Data) throws(APIError) -> [IngestedCall] {
        let calls: [IngestedCall]
        do {
            calls = try JSONDecoder().decode([IngestedCall].self, from: body)
        } catch let error as DecodingError {
            throw APIError(.badRequest, "invalid_json", Self.describe(error, body: body))
        } catch {
            throw APIError(.badRequest, "invalid_json", "the body is not a JSON array of calls: \(error)")
        }
        guard calls.count <= Self.maxIngestCalls else {
            throw APIError(
                .badRequest,
                "too_many_calls",
                "at most \(Self.maxIngestCalls) calls per request, got \(calls.count); split the batch"
            )
        }
        for (index, call) in calls.enumerated() {
            guard call.latencyMs.isFinite, call.latencyMs >= 0 else {
                throw APIError(
                    .badRequest,
                    "invalid_call",
                    "calls[\(index)].latency_ms must be a finite number of milliseconds ≥ 0, got \(call.latencyMs)"
                )
            }
        }
        return calls
    }

    /// The messages a proxy relayed after `?after=SEQ` (0 by default), at most `?limit=N` (1 to 2 000,
    /// 500 by default), oldest first.
    func messages(_ request: Request) throws -> Response {
        guard let page = actions.messages else {
            throw APIError(
                .notFound,
                "no_messages",
                "this engine relays no messages: only a `dashboard proxy` keeps them"
            )
        }
        func number(_ name: String, default value: Int, in range: ClosedRange<Int>) throws(APIError) -> Int {
            guard let text = request.uri.queryParameters[Substring(name)].map(String.init) else { return value }
            guard let number = Int(text), range.contains(number) else {
                throw APIError(
                    .badRequest,
                    "invalid_request",
                    "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\""
                )
            }
            return number
        }
        let after = try number("after", default: 0, in: 0...Int(Int32.max))
        let limit = try number("limit", default: Self.defaultMessagesLimit, in: 1...Self.maxMessagesLimit)
        var response = Response.json(page(after, limit))
        // What messages said is not for caches on the way.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The server's tools as a tools baseline document (what `dashboard tools pin` writes).
    func tools() throws -> Response {
        guard let document = actions.tools else {
            throw APIError(.notFound, "no_tools", "this engine relays no server: only a `dashboard proxy` sees tools")
        }
        guard let text = document() else {
            throw APIError(
                .notFound,
                "no_tools_yet",
                "the server has not listed its tools yet: a client's tools/list shows them to the proxy"
            )
        }
        var response = Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Messages listed when `?limit` is not given.
    static let defaultMessagesLimit = 500
    /// The most messages one answer lists.
    static let maxMessagesLimit = 2000

    /// Starts a test upload of generated files (never files named by the caller).
    func testUpload(_ request: Request) async throws -> Response {
        struct Ask: Decodable {
            var files: Int?
            var sizeBytes: Int?
            enum CodingKeys: String, CodingKey {
                case files
                case sizeBytes = "size_bytes"
            }
        }
        let body = try await readBody(request)
        let ask: Ask
        do {
            ask = body.isEmpty ? Ask() : try JSONDecoder().decode(Ask.self, from: body)
        } catch let error as DecodingError {
            throw APIError(.badRequest, "invalid_json", Self.describe(error, body: body))
        }
        let files = ask.files ?? 4
        let size = ask.sizeBytes ?? 2 * 1_048_576
        guard (1...64).contains(files) else {
            throw APIError(.badRequest, "invalid_request", "files must be from 1 to 64, got \(files)")
        }
        guard (1...(256 * 1_048_576)).contains(size) else {
            throw APIError(.badRequest, "invalid_request", "size_bytes must be from 1 to 268435456, got \(size)")
        }
        guard let start = actions.startTestUpload else {
            throw APIError(
                .notImplemented,
                "not_implemented",
                "this engine has no uploader, so it cannot run a test upload"
            )
        }
        do {
            return Response.json(try await start(files, size), status: .accepted)
        } catch {
            throw APIError(.internalServerError, "upload_failed", "could not start the test upload: \(error)")
        }
    }

    func readBody(_ request: Request) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxBodyBytes {
            throw Self.tooLarge(length)
        }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: Self.maxBodyBytes)
            return Data(buffer.readableBytesView)
        } catch {
            throw Self.tooLarge(nil)
        }
    }

    private static func tooLarge(_ length: Int?) -> APIError {
        let size = length.map { " (\($0) bytes)" } ?? ""
        return APIError(
            .contentTooLarge,
            "body_too_large",
            "request body\(size) is over the \(maxBodyBytes)-byte limit; send at most \(maxIngestCalls) calls per request"
        )
    }

    /// Where the JSON syntax goes wrong ("… around line 1, column 36"), which `JSONDecoder` does not say.
    private static func syntaxProblem(_ body: Data) -> String? {
        do {
            _ = try JSONParser.parse(body)
            return nil
        } catch {
            return error.located(in: body)
        }
    }

    /// A decoding error as one line naming where in the document it happened.
    static func describe(_ error: DecodingError, body: Data) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let parts = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
            let joined = parts.joined()
            return joined.isEmpty ? "the body" : "body" + joined
        }
        switch error {
        case .dataCorrupted(let context):
            return "malformed JSON in \(path(context)): \(syntaxProblem(body) ?? context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context)) is missing the field \"\(key.stringValue)\""
        case .typeMismatch(let type, let context):
            return "\(path(context)) has the wrong type: expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context)) is null: expected \(type)"
        @unknown default:
            return "invalid JSON"
        }
    }
}
