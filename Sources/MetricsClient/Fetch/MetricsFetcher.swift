import AsyncHTTPClient
import Foundation
import MetricsWire
import NIOCore
import NIOHTTP1

/// One `GET` of the metrics document: a deadline over the whole exchange, no redirects, a size cap.
struct MetricsFetcher: Sendable {
    /// The body of a 200 answer.
    struct Fetched: Sendable {
        var body: Data
        var contentType: String?
        var responseTime: Duration
    }

    /// Bytes of a non-200 body read for its error message.
    static let errorBodyLimit = 4096

    let client: HTTPClient
    let requestTimeout: Duration
    let maxResponseBytes: Int
    let bearerToken: String?

    /// The HTTP client a poller uses: no redirects, no connection retries (the poller has its own
    /// backoff), no decompression (a small compressed body must not expand past the cap).
    static func makeClient(requestTimeout: Duration) -> HTTPClient {
        let timeout = TimeAmount.nanoseconds(Int64(requestTimeout.inSeconds * 1e9))
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(30))
        pool.retryConnectionEstablishment = false
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: timeout, read: timeout),
            connectionPool: pool,
            decompression: .disabled
        )
        // A poll a second is not a span anyone wants in their traces.
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Fetches `url`; every failure is a ``PollError`` naming what happened.
    func fetch(_ url: String) async throws(PollError) -> Fetched {
        let progress = FetchProgress()
        let started = ContinuousClock.now
        let timeout = requestTimeout
        do {
            return try await withThrowingTaskGroup(of: Fetched?.self) { group in
                group.addTask { try await download(url, progress: progress, started: started) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let fetched = first else {
                    throw Self.timedOut(progress.current, after: timeout)
                }
                return fetched
            }
        } catch {
            var failure = FetchErrorClassifier.classify(error, timeout: timeout, progress: progress.current)
            failure.url = url
            throw failure
        }
    }

    private func download(
        _ url: String,
        progress: FetchProgress,
        started: ContinuousClock.Instant
    ) async throws
        -> Fetched
    {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "dashboard-metrics-client/1")
        if let bearerToken { request.headers.add(name: "Authorization", value: "Bearer \(bearerToken)") }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(requestTimeout.inSeconds * 1e9))
        let response = try await client.execute(request, deadline: deadline)
        let status = Int(response.status.code)
        progress.received(status: status)
        let contentType = response.headers.first(name: "Content-Type")
        if (300..<400).contains(status) {
            let location = response.headers.first(name: "Location").map { DisplayText.sanitized($0, maxLength: 120) }
            throw PollError(
                .redirect,
                "the server answered HTTP \(status) \(response.status.reasonPhrase) to "
                    + (location.map { "\($0)" } ?? "another address") + ", and redirects are not followed",
                hint: "attach to the address the metrics are really served at",
                httpStatus: status
            )
        }
        guard status == 200 else {
            let body = try await Self.collect(response.body, limit: Self.errorBodyLimit, progress: progress)
            let message = ServerMessage.extract(body.data).map { ": \($0)" } ?? ""
            throw PollError(
                .httpStatus,
                "the server answered HTTP \(status) \(response.status.reasonPhrase)\(message)",
                hint: status >= 500
                    ? "the server failed; check its logs" : "check the address; the metrics JSON is served at /metrics",
                httpStatus: status
            )
        }
        if let declared = response.headers.first(name: "Content-Length").flatMap(Int.init), declared > maxResponseBytes
        {
            throw Self.tooLarge("declares \(declared) bytes", limit: maxResponseBytes)
        }
        let body = try await Self.collect(response.body, limit: maxResponseBytes, progress: progress)
        guard !body.truncated else {
            throw Self.tooLarge("is larger than that", limit: maxResponseBytes)
        }
        return Fetched(body: body.data, contentType: contentType, responseTime: ContinuousClock.now - started)
    }

    /// Reads at most `limit` bytes; stops (and so drops the connection) as soon as the body is longer.
    private static func collect(
        _ body: HTTPClientResponse.Body,
        limit: Int,
        progress: FetchProgress
    ) async throws -> (data: Data, truncated: Bool) {
        var data = Data()
        for try await chunk in body {
            if data.count + chunk.readableBytes > limit {
                data.append(contentsOf: chunk.readableBytesView.prefix(limit - data.count))
                return (data, true)
            }
            data.append(contentsOf: chunk.readableBytesView)
            progress.received(bytes: data.count)
        }
        return (data, false)
    }

    private static func tooLarge(_ what: String, limit: Int) -> PollError {
        PollError(
            .tooLarge,
            "the response \(what), over the \(limit)-byte limit",
            hint: "a metrics document is normally far smaller; check the address, or raise the response cap"
        )
    }

    static func timedOut(_ progress: FetchProgress.State, after timeout: Duration) -> PollError {
        let limit = Format.duration(timeout)
        let reason: String
        if let status = progress.status {
            reason =
                "the server sent only \(progress.bytes) bytes of its HTTP \(status) answer in \(limit); it is too slow"
        } else {
            reason = "no complete response head within \(limit)"
        }
        return PollError(.timedOut, reason, hint: "the server may be overloaded or hung; retrying with backoff")
    }
}
