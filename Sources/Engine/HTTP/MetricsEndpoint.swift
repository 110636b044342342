import Foundation
import Hummingbird
import MetricsWire

/// The engine's HTTP API: `/metrics` (JSON or Prometheus text), `/health`, and the token-guarded control API.
///
/// A hand-written dispatch rather than a router, so that a wrong method is a 405 (not a 404), every error is
/// a JSON body, and the hot `/metrics` path serves pre-encoded bytes without per-request allocation of the
/// document.
public struct MetricsEndpoint: HTTPResponder {
    /// The request context.
    public typealias Context = BasicRequestContext

    /// Largest request body accepted; larger is a 413.
    public static let maxBodyBytes = 1 << 20
    /// Most tool calls in one ingest request.
    public static let maxIngestCalls = 10_000

    let collector: MetricsCollector
    let token: ControlToken?
    let tokenProblem: String?
    private let health: HealthMonitor
    let actions: ControlActions
    let version: String
    let corsOrigin: String?
    private let encoded: EncodedSnapshotCache

    /// Creates the endpoint.
    ///
    /// - Parameters:
    ///   - token: the control API token; `nil` disables the control API, answering 503 with `tokenProblem`.
    ///   - corsOrigin: sent as `Access-Control-Allow-Origin` when set; by default no CORS header is sent.
    public init(
        collector: MetricsCollector,
        token: ControlToken?,
        tokenProblem: String? = nil,
        health: [HealthCheck] = [],
        actions: ControlActions = .init(),
        version: String,
        corsOrigin: String? = nil
    ) {
        self.collector = collector
        self.token = token
        self.tokenProblem = tokenProblem
        let monitor = HealthMonitor(checks: health) { [collector] results in
            Self.healthReport(results, version: version, collector: collector)
        }
        collector.healthSignal.onChange { [weak monitor] in monitor?.checkNow() }
        self.health = monitor
        self.actions = actions
        self.version = version
        self.corsOrigin = corsOrigin
        self.encoded = EncodedSnapshotCache()
    }

    /// Answers one request.
    public func respond(to request: Request, context: Context) async throws -> Response {
        var response: Response
        do {
            response = try await route(request)
        } catch let error as APIError {
            response = error.response
        }
        if let corsOrigin { response.headers[.accessControlAllowOrigin] = corsOrigin }
        if request.method == .head { response.body = ResponseBody() }
        return response
    }

    private func route(_ request: Request) async throws -> Response {
        // `uri.path` excludes the query string, so `/metrics?x=1` is `/metrics`.
        let path = request.uri.path
        let readOnly: [HTTPRequest.Method] = [.get, .head]
        switch path {
        case "/metrics", "/metrics/":
            try allow(request, readOnly)
            return wantsPrometheus(request) ? prometheus() : json()
        case "/metrics/prometheus":
            try allow(request, readOnly)
            return prometheus()
        case "/health":
            try allow(request, readOnly)
            return await healthResponse()
        case "/v1/tool-calls":
            try allow(request, [.post])
            try authorize(request)
            return try await ingest(request)
        case "/v1/uploads/test":
            try allow(request, [.post])
            try authorize(request)
            return try await testUpload(request)
        case "/v1/messages":
            try allow(request, readOnly)
            try authorize(request)
            return try messages(request)
        case "/v1/tools":
            try allow(request, readOnly)
            try authorize(request)
            return try tools()
        case "/v1/reset":
            try allow(request, [.post])
            try authorize(request)
            collector.reset()
            await actions.reset?()
            return Response.json(["status": "reset"])
        default:
            throw APIError.notFound(path)
        }
    }

    private func allow(_ request: Request, _ methods: [HTTPRequest.Method]) throws {
        guard methods.contains(request.method) else {
            throw APIError.methodNotAllowed(request.method, request.uri.path, allowed: methods)
        }
    }

    private func authorize(_ request: Request) throws {
        guard let token else {
            throw APIError(.serviceUnavailable, "control_disabled", tokenProblem ?? "the control API has no token")
        }
        guard token.authorizes(request.headers[.authorization]) else {
            throw APIError(
                .unauthorized,
                "unauthorized",
                "missing or wrong bearer token; send Authorization: Bearer <METRICS_CONTROL_TOKEN>"
            )
        }
    }

    private func wantsPrometheus(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept]?.lowercased() else { return false }
        if accept.contains("application/openmetrics-text") { return true }
        // Prometheus sends text/plain among its choices; a browser's */* or an explicit JSON ask gets JSON.
        return accept.contains("text/plain") && !accept.contains("application/json")
    }

    /// Encodes the current snapshot ahead of the next `/metrics` request, so requests only copy bytes;
    /// the snapshot refresher calls this after each refresh.
    func prepareJSON() {
        _ = encoded.bytes(for: collector.snapshot())
    }

    private func json() -> Response {
        let body = encoded.bytes(for: collector.snapshot())
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    private func prometheus() -> Response {
        let text = PrometheusExposition.render(
            snapshot: collector.snapshot(),
            distributions: collector.latencyDistributions()
        )
        var headers = HTTPFields()
        headers[.contentType] = PrometheusExposition.contentType
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    private func healthResponse() async -> Response {
        let report = await health.report()
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(
            status: report.healthy ? .ok : .serviceUnavailable,
            headers: headers,
            body: ResponseBody(byteBuffer: report.body)
        )
    }

    /// One run of the checks as the `/health` body: `checked_at` says when it ran.
    private static func healthReport(
        _ results: [(name: String, result: HealthCheck.Result)],
        version: String,
        collector: MetricsCollector
    ) -> HealthMonitor.Report {
        struct Health: Encodable {
            var status: String
            var service: String
            var version: String
            var uptime_seconds: Double
            var metrics_enabled: Bool
            var checked_at: Double
            var checks: [String: [String: String]]
        }
        var checks: [String: [String: String]] = [:]
        for (name, result) in results {
            checks[name] = ["status": result.ok ? "ok" : "failing", "detail": result.detail]
        }
        let healthy = results.allSatisfy(\.result.ok)
        let body = Health(
            status: healthy ? "ok" : "degraded",
            service: "metrics-server",
            version: version,
            uptime_seconds: collector.snapshot().systemMetrics.uptimeSeconds,
            metrics_enabled: collector.configuration.enabled,
            checked_at: MetricsRounding.twoDecimals(Date().timeIntervalSince1970),
            checks: checks
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        return HealthMonitor.Report(healthy: healthy, body: ByteBuffer(bytes: data), finished: .now)
    }
}

/// The JSON bytes of the last snapshot, so readers sharing a snapshot also share its encoding. While one
/// reader encodes a newer snapshot, others get the previous bytes rather than encoding it too.
final class EncodedSnapshotCache: Sendable {
    private struct State {
        var timestamp: Double = -1
        var bytes: ByteBuffer?
        var encoding: Double?
    }

    private let state = Guarded(State())

    func bytes(for snapshot: MetricsSnapshot) -> ByteBuffer {
        let cached: ByteBuffer? = state.withLock { state in
            if state.timestamp == snapshot.timestamp, let bytes = state.bytes { return bytes }
            if state.encoding == snapshot.timestamp, let bytes = state.bytes { return bytes }
            state.encoding = snapshot.timestamp
            return nil
        }
        if let cached { return cached }
        let bytes = ByteBuffer(bytes: snapshot.encodedJSON())
        state.withLock { state in
            if snapshot.timestamp >= state.timestamp {
                state.timestamp = snapshot.timestamp
                state.bytes = bytes
            }
            if state.encoding == snapshot.timestamp { state.encoding = nil }
        }
        return bytes
    }
}
