/// Every setting of the engine, one struct per component.
///
/// Build it with ``EnvironmentReader`` from the process environment, or by hand in code and tests.
public struct EngineConfiguration: Sendable, Equatable {
    /// The metrics collector.
    public var metrics: MetricsConfiguration
    /// The response cache.
    public var responseCache: ResponseCacheConfiguration
    /// The file-ID cache.
    public var fileCache: FileCacheConfiguration
    /// The metrics HTTP endpoint.
    public var endpoint: EndpointConfiguration
    /// The Files API client and uploader.
    public var files: FilesConfiguration
    /// The caches shared with other replicas (none by default).
    public var shared: SharedStoreConfiguration

    /// Creates an engine configuration; every parameter has the documented default.
    public init(
        metrics: MetricsConfiguration = .init(),
        responseCache: ResponseCacheConfiguration = .init(),
        fileCache: FileCacheConfiguration = .init(),
        endpoint: EndpointConfiguration = .init(),
        files: FilesConfiguration = .init(),
        shared: SharedStoreConfiguration = .init()
    ) {
        self.metrics = metrics
        self.responseCache = responseCache
        self.fileCache = fileCache
        self.endpoint = endpoint
        self.files = files
        self.shared = shared
    }
}
