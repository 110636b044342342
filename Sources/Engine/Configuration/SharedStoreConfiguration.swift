/// Settings of the caches shared by replicas through PostgreSQL (``SharedStore``).
public struct SharedStoreConfiguration: Sendable, Equatable {
    /// Where the file-ID cache's rows are shared (`FILE_CACHE_URL`, flag `--file-cache-url`); `nil`: not.
    public var fileCacheURL: SharedStoreURL?
    /// Where the response cache's second level is (`SEMANTIC_CACHE_URL`, flag `--cache-url`); `nil`: none.
    public var responseCacheURL: SharedStoreURL?
    /// How long a lookup or write may take before the local cache answers alone
    /// (`SHARED_CACHE_TIMEOUT_MS`, flag `--cache-timeout`, default 50 ms).
    public var timeout: Duration
    /// Most rows in the shared response cache (`SEMANTIC_CACHE_SHARED_MAX_SIZE`, default 100 000).
    public var maxEntries: Int
    /// Most bytes of values in the shared response cache (`SEMANTIC_CACHE_SHARED_MAX_BYTES`, default 1 GiB).
    public var maxBytes: Int

    /// Creates shared-store settings; every parameter has the documented default.
    public init(
        fileCacheURL: SharedStoreURL? = nil,
        responseCacheURL: SharedStoreURL? = nil,
        timeout: Duration = .milliseconds(50),
        maxEntries: Int = 100_000,
        maxBytes: Int = 1 << 30
    ) {
        self.fileCacheURL = fileCacheURL
        self.responseCacheURL = responseCacheURL
        self.timeout = timeout
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }
}
