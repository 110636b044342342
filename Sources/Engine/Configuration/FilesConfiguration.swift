import MetricsWire

/// What the uploader does with a file larger than ``FilesConfiguration/maxFileBytes``.
public enum OversizeBehavior: String, Sendable, Equatable, CaseIterable {
    /// Skip the file and go on with the others.
    case skip
    /// Fail the file (the others still run).
    case fail
}

/// Settings of the Files API client and the parallel uploader.
public struct FilesConfiguration: Sendable, Equatable {
    /// The provider's API key (`KIMI_API_KEY`); `nil` means use the built-in sandbox. Never logged or shown.
    public var apiKey: String?
    /// The provider's base URL (`KIMI_API_URL`, default `https://api.moonshot.ai/v1`).
    public var baseURL: String
    /// Whether files upload in parallel (`KIMI_FILES_PARALLEL_UPLOADS`, default `true`); `false` means one at a time.
    public var parallelUploads: Bool
    /// Most files in flight at once (`KIMI_FILES_MAX_PARALLEL`, default 3).
    @Clamped public var maxParallel: Int
    /// Largest file accepted, in bytes (`KIMI_FILES_MAX_SIZE_MB`, default 100 MB).
    @Clamped public var maxFileBytes: Int
    /// Most files in one batch (`KIMI_FILES_MAX_COUNT`); `nil` means no cap.
    public var maxCount: Int?
    /// What happens to a file over the size cap (`KIMI_FILES_BEHAVIOR_ON_OVERSIZE`, default skip).
    public var oversizeBehavior: OversizeBehavior
    /// Time allowed for one upload (`KIMI_FILES_UPLOAD_TIMEOUT_SECS`, default 90 s).
    public var uploadTimeout: Duration
    /// Time allowed for one content fetch (`KIMI_FILES_FETCH_TIMEOUT_SECS`, default 25 s).
    public var fetchTimeout: Duration
    /// Retries of a content fetch (`KIMI_FILES_FETCH_RETRIES`, default 3).
    @Clamped public var fetchRetries: Int
    /// Multiplier of the delay between fetch retries (`KIMI_FILES_FETCH_BACKOFF`, default 0.8).
    @Clamped public var fetchBackoff: Double
    /// Delay before the first fetch retry (`KIMI_FILES_FETCH_INITIAL_DELAY`, default 0.5 s).
    public var fetchInitialDelay: Duration

    /// Whether the uploader consults and fills the file-ID cache (`FILE_CACHE_ENABLED`).
    public var cacheEnabled: Bool

    /// Retries of a failed upload (429, 5xx, dropped connection, timeout; never other 4xx).
    public var uploadRetry: RetryPolicy

    /// The default provider URL.
    public static let defaultBaseURL = "https://api.moonshot.ai/v1"

    /// Creates uploader settings; every parameter has the documented default.
    public init(
        apiKey: String? = nil,
        baseURL: String = FilesConfiguration.defaultBaseURL,
        parallelUploads: Bool = true,
        maxParallel: Int = 3,
        maxFileBytes: Int = 100 * 1_048_576,
        maxCount: Int? = nil,
        oversizeBehavior: OversizeBehavior = .skip,
        uploadTimeout: Duration = .seconds(90),
        fetchTimeout: Duration = .seconds(25),
        fetchRetries: Int = 3,
        fetchBackoff: Double = 0.8,
        fetchInitialDelay: Duration = .milliseconds(500),
        uploadRetry: RetryPolicy = RetryPolicy(),
        cacheEnabled: Bool = true
    ) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.parallelUploads = parallelUploads
        self._maxParallel = Clamped(wrappedValue: maxParallel, 1...)
        self._maxFileBytes = Clamped(wrappedValue: maxFileBytes, 1...)
        self.maxCount = maxCount
        self.oversizeBehavior = oversizeBehavior
        self.uploadTimeout = uploadTimeout
        self.fetchTimeout = fetchTimeout
        self._fetchRetries = Clamped(wrappedValue: fetchRetries, 0...)
        self._fetchBackoff = Clamped(wrappedValue: fetchBackoff, 0...)
        self.fetchInitialDelay = fetchInitialDelay
        self.uploadRetry = uploadRetry
        self.cacheEnabled = cacheEnabled
    }

    /// Retries of a content fetch: `fetchRetries` of them, the first after `fetchInitialDelay`, each
    /// further one (1 + `fetchBackoff`) times longer than the one before.
    public var fetchRetry: RetryPolicy {
        RetryPolicy(maxRetries: fetchRetries, initialDelay: fetchInitialDelay, multiplier: 1 + fetchBackoff)
    }

    /// The concurrency the uploader really uses: 1 when parallel uploads are off.
    public var effectiveParallelism: Int { parallelUploads ? maxParallel : 1 }
}
