/// Settings of the ``FileIDCache``.
public struct FileCacheConfiguration: Sendable, Equatable {
    /// Whether uploads consult and fill the cache (`FILE_CACHE_ENABLED`, default `true`).
    public var enabled: Bool
    /// How long a remembered file id stays valid (`FILE_CACHE_TTL_SECS`, default 86400 s); `nil` never expires.
    public var ttl: Duration?
    /// The SQLite file (`FILE_CACHE_PATH`, default `.cache/file-ids.sqlite`).
    public var path: String
    /// How long a writer waits for another process's lock before failing.
    public var busyTimeout: Duration
    /// How often the path is looked at again, to replace a file deleted or replaced while open (default 1 s:
    /// often enough that a deleted file is replaced in about a second, rarely enough that a lookup does not
    /// pay for a `stat`).
    public var reopenCheckInterval: Duration

    /// Creates file-cache settings; every parameter has the documented default.
    public init(
        enabled: Bool = true,
        ttl: Duration? = .seconds(86_400),
        path: String = ".cache/file-ids.sqlite",
        busyTimeout: Duration = .seconds(10),
        reopenCheckInterval: Duration = .seconds(1)
    ) {
        self.enabled = enabled
        self.ttl = ttl
        self.path = path
        self.busyTimeout = busyTimeout
        self.reopenCheckInterval = reopenCheckInterval
    }
}
