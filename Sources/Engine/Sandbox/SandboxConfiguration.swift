import MetricsWire

/// Knobs of the built-in Files API sandbox.
public struct SandboxConfiguration: Sendable, Equatable {
    /// Added before answering every request.
    public var latency: Duration
    /// Upload bodies are read at most this fast (bytes per second); `nil` is unlimited.
    public var bandwidth: Int?
    /// Probability that an upload answers 500.
    @Clamped public var errorRate: Double
    /// Probability that the sandbox drops an upload's connection part-way through its body, as a flaky
    /// network or provider would.
    @Clamped public var dropRate: Double
    /// Uploads per second before answering 429 with `Retry-After`; `nil` is unlimited.
    public var rateLimit: Double?
    /// Where uploaded files are stored; `nil` makes a fresh temporary directory.
    public var storageDirectory: String?

    /// Creates sandbox settings; by default the sandbox is fast and never fails.
    public init(
        latency: Duration = .milliseconds(50),
        bandwidth: Int? = nil,
        errorRate: Double = 0,
        dropRate: Double = 0,
        rateLimit: Double? = nil,
        storageDirectory: String? = nil
    ) {
        self.latency = latency
        self.bandwidth = bandwidth
        self._errorRate = Clamped(wrappedValue: errorRate, 0...1)
        self._dropRate = Clamped(wrappedValue: dropRate, 0...1)
        self.rateLimit = rateLimit
        self.storageDirectory = storageDirectory
    }
}

extension SandboxConfiguration {
    /// A sandbox slow enough that test uploads are visible on the dashboard: 150 ms per request and
    /// 8 MB/s per upload, so a test file of a few MiB takes seconds, as a real provider would.
    public static let visible = SandboxConfiguration(latency: .milliseconds(150), bandwidth: 8_000_000)
}

/// A fault the sandbox injects into the next matching request, in order, for tests and demos.
public enum SandboxFault: Sendable, Equatable {
    /// Answer with this status and a Files API error body (and `Retry-After` seconds, if given).
    case status(Int, retryAfter: Int? = nil)
    /// Read this many body bytes, then close the connection without answering.
    case dropConnection(afterBytes: Int)
    /// Never answer (until the client gives up).
    case hang
    /// Answer with exactly this status, content type and body (e.g. an HTML error page, or nothing).
    case raw(status: Int, contentType: String, body: String)
}

/// Which requests a fault applies to.
public enum SandboxRoute: Sendable, Hashable {
    /// `POST /files`.
    case upload
    /// `GET /files/{id}/content`.
    case content
}
