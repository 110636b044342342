import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A client of the OpenAI-compatible Files API that Moonshot/Kimi serves (and the built-in sandbox).
///
/// `POST /files` (multipart, streamed from disk with a known length), `GET /files/{id}/content`,
/// `GET /files`, `DELETE /files/{id}`. The API key goes in the `Authorization` header only and never
/// appears in an error or a log line. Provider error bodies `{"error":{"type","message"}}` become
/// ``FilesAPIError``s carrying the status and the provider's message.
public struct FilesAPIClient: Sendable {
    /// The API root, e.g. `https://api.moonshot.ai/v1`.
    public let baseURL: String
    /// The provider's name for the file-ID cache: the host, or `sandbox-<id>` for a sandbox.
    public let providerName: String
    private let apiKey: String?
    private let httpClient: HTTPClient
    /// The largest response body read (content of a big file may be large).
    static let maxResponseBytes = 64 << 20

    /// Creates a client; throws ``FilesAPIError`` with code `invalidRequest` if `baseURL` is not http(s).
    public init(
        baseURL: String,
        apiKey: String?,
        providerName: String? = nil,
        httpClient: HTTPClient = .filesAPI
    )
        throws(FilesAPIError)
    {
        let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw FilesAPIError(
                .invalidRequest,
                "invalid Files API URL \"\(baseURL)\": expected http(s)://host[:port]/path, e.g. \(FilesConfiguration.defaultBaseURL)"
            )
        }
        self.baseURL = trimmed
        self.apiKey = apiKey
        self.providerName = (providerName ?? host).lowercased()
        self.httpClient = httpClient
    }

    /// Uploads the file at `path` (`size` bytes, as measured by the caller) under `filename`.
    ///
    /// - Parameter progress: called with the file's bytes as they are written to the connection's socket,
    ///   which takes them only about as fast as the provider receives them (``HTTPClient/filesAPI``).
    public func upload(
        path: String,
        size: Int,
        filename: String,
        purpose: String = "file-extract",
        timeout: Duration,
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws(FilesAPIError) -> FileObject {
        let body = MultipartFileBody(path: path, fileSize: size, filename: filename, purpose: purpose)
        let what = "upload of \(filename)"
        let data = try await send(timeout: timeout, what: what) { [self] in
            var headers = makeRequest("/files", method: .POST).headers
            headers.add(name: "Content-Type", value: body.contentType)
            let request = try HTTPClient.Request(
                url: baseURL + "/files",
                method: .POST,
                headers: headers,
                body: .stream(contentLength: Int64(body.length)) { writer in Self.write(body, to: writer) }
            )
            let delegate = UploadDelegate(
                fileRange: body.fileRange,
                maxBytes: Self.maxResponseBytes,
                progress: progress
            )
            let task = httpClient.execute(
                request: request,
                delegate: delegate,
                deadline: .now() + .nanoseconds(timeout.nanoseconds)
            )
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            return (response.head.status, response.head.headers, response.body)
        }
        let file: FileObject = try decode(data, as: FileObject.self, what: what)
        guard !file.id.isEmpty else {
            throw FilesAPIError(.invalidResponse, "\(what): the provider answered without a file id")
        }
        return file
    }

    /// When a body has been written whole.
    private typealias Written = EventLoopFuture<Void>

    /// Writes `body` chunk by chunk, each once the client is ready for it: off the event loop, in a task,
    /// so that neither a file read nor a long chain of futures runs on the loop.
    private static func write(_ body: MultipartFileBody, to writer: HTTPClient.Body.StreamWriter) -> Written {
        let promise = HTTPClient.defaultEventLoopGroup.any().makePromise(of: Void.self)
        promise.completeWithTask {
            var chunks = body.chunks()
            while let chunk = try chunks.next() {
                try await writer.write(.byteBuffer(chunk)).get()
            }
        }
        return promise.futureResult
    }

    /// The extracted content of `fileID`: Moonshot's JSON shape, or plain text as it came.
    public func content(fileID: String, timeout: Duration) async throws(FilesAPIError) -> FileContent {
        let request = makeRequest("/files/\(Self.escape(fileID))/content", method: .GET)
        let data = try await send(request, timeout: timeout, what: "content of \(fileID)")
        if let content = try? JSONDecoder().decode(FileContent.self, from: data) { return content }
        let text = String(decoding: data, as: UTF8.self)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<") {
            throw FilesAPIError(
                .invalidResponse,
                "content of \(fileID): the provider answered HTML, not the file's content; check KIMI_API_URL"
            )
        }
        return FileContent(content: text, fileType: "text/plain")
    }

    /// Every file the provider holds for this key.
    public func list(timeout: Duration = .seconds(30)) async throws(FilesAPIError) -> [FileObject] {
        let data = try await send(makeRequest("/files", method: .GET), timeout: timeout, what: "file list")
        return try decode(data, as: FileList.self, what: "file list").data
    }

    /// Deletes `fileID` at the provider.
    public func delete(fileID: String, timeout: Duration = .seconds(30)) async throws(FilesAPIError) {
        let request = makeRequest("/files/\(Self.escape(fileID))", method: .DELETE)
        _ = try await send(request, timeout: timeout, what: "delete of \(fileID)")
    }

    private func makeRequest(_ path: String, method: HTTPMethod) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        return request
    }

    /// Sends `request`; returns the body of a 2xx answer, or throws naming `what` and the provider's message.
    private func send(_ request: HTTPClientRequest, timeout: Duration, what: String) async throws(FilesAPIError) -> Data
    {
        try await send(timeout: timeout, what: what) { [httpClient] in
            let response = try await httpClient.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            return (response.status, response.headers, try await response.body.collect(upTo: Self.maxResponseBytes))
        }
    }

    /// Runs `exchange`; returns the body of a 2xx answer, or throws naming `what` and the provider's message.
    private func send(
        timeout: Duration,
        what: String,
        _ exchange: () async throws -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer)
    ) async throws(FilesAPIError) -> Data {
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let body: ByteBuffer
        do {
            (status, headers, body) = try await exchange()
        } catch let error as FilesAPIError {
            throw error
        } catch let error as FileChangedError {
            throw FilesAPIError(.invalidRequest, error.description)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw FilesAPIError(.timeout, "\(what) timed out after \(timeout.formattedSeconds) at \(host)")
        } catch let error as HTTPClientError where error == .remoteConnectionClosed {
            throw FilesAPIError(.transport, "\(what) failed: \(host) closed the connection before answering")
        } catch let error where Self.isResetWhileSending(error) {
            // The same drop, seen as a reset when the provider closed with the request still being sent.
            throw FilesAPIError(
                .transport,
                "\(what) failed: \(host) closed the connection before answering (connection reset)"
            )
        } catch let error as HTTPClientError where error == .cancelled {
            throw FilesAPIError(.timeout, "\(what) was cancelled")
        } catch is CancellationError {
            throw FilesAPIError(.timeout, "\(what) was cancelled")
        } catch is NIOTooManyBytesError, is UploadDelegate.TooLarge {
            throw FilesAPIError(
                .invalidResponse,
                "\(what): the provider's answer is over \(Self.maxResponseBytes) bytes"
            )
        } catch {
            throw FilesAPIError(.transport, "\(what) failed: cannot talk to \(host) (\(Self.describe(error)))")
        }
        let data = Data(body.readableBytesView)
        let code = Int(status.code)
        guard (200..<300).contains(code) else {
            let message = Self.providerMessage(data) ?? Self.bodySummary(data)
            let retryAfter = headers.first(name: "Retry-After").flatMap(Self.parseRetryAfter)
            throw FilesAPIError(
                .http(status: code),
                "\(what) failed: HTTP \(code) from \(host): \(message)",
                retryAfter: retryAfter
            )
        }
        return data
    }

    private func decode<T: Decodable>(_ data: Data, as type: T.Type, what: String) throws(FilesAPIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw FilesAPIError(
                .invalidResponse,
                "\(what): the provider's answer is not the expected JSON (\(Self.bodySummary(data))); check KIMI_API_URL"
            )
        }
    }

    private var host: String { URL(string: baseURL)?.host ?? baseURL }

    static func providerMessage(_ data: Data) -> String? {
        guard let body = try? JSONDecoder().decode(ProviderErrorBody.self, from: data) else { return nil }
        let message = body.error.message ?? "no message"
        return body.error.type.map { "\(message) (\($0))" } ?? message
    }

    static func bodySummary(_ data: Data) -> String {
        if data.isEmpty { return "an empty body" }
        let text = String(decoding: data.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("<") { return "an HTML page, not JSON" }
        let printable = String(
            text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) }
        )
        return "\"\(printable.prefix(120))\""
    }

    static func parseRetryAfter(_ value: String) -> Duration? {
        if let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64(min(seconds, 3600) * 1000))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, min(date.timeIntervalSinceNow, 3600)) * 1000))
    }

    static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#")))
            ?? id
    }

    /// Whether `error` is how a connection the provider reset shows while the request body is still going
    /// out: a read or write error (ECONNRESET, EPIPE), or a write to the channel the reset already closed.
    /// Which one arrives depends on where the client is when the RST lands.
    static func isResetWhileSending(_ error: any Error) -> Bool {
        if let error = error as? IOError { return error.errnoCode == ECONNRESET || error.errnoCode == EPIPE }
        if let error = error as? ChannelError { return error == .ioOnClosedChannel || error == .eof }
        return false
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}

extension Duration {
    /// Whole nanoseconds, for APIs that take them.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// "1.5 s"-style text.
    var formattedSeconds: String {
        let seconds = Double(nanoseconds) / 1e9
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }
}
