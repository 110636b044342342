import Foundation

/// Reads the engine's settings from environment variables: the one place that does.
///
/// Each setting has the name from the design (left) and the Python original's spelling as an alias; when
/// both are set the design's name wins. A value that does not parse throws a ``ConfigurationError`` naming
/// the variable, the value and what is expected; surrounding whitespace is ignored, anything else is not.
public struct EnvironmentReader: Sendable {
    private let environment: [String: String]

    /// Creates a reader over the given variables (pass `ProcessInfo.processInfo.environment` in a program).
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The whole engine configuration, or the first setting that does not parse.
    public func engineConfiguration() throws(ConfigurationError) -> EngineConfiguration {
        EngineConfiguration(
            metrics: try metrics(),
            responseCache: try responseCache(),
            fileCache: try fileCache(),
            endpoint: try endpoint(),
            files: try files(),
            shared: try shared()
        )
    }

    /// The shared caches' settings.
    public func shared() throws(ConfigurationError) -> SharedStoreConfiguration {
        let defaults = SharedStoreConfiguration()
        let timeout = try integer(["SHARED_CACHE_TIMEOUT_MS"], min: 1, max: 60_000)
        return SharedStoreConfiguration(
            fileCacheURL: try storeURL(["FILE_CACHE_URL"]),
            responseCacheURL: try storeURL(["SEMANTIC_CACHE_URL"]),
            timeout: timeout.map { .milliseconds($0) } ?? defaults.timeout,
            maxEntries: try integer(["SEMANTIC_CACHE_SHARED_MAX_SIZE"], min: 1, max: 1_000_000_000)
                ?? defaults.maxEntries,
            maxBytes: try integer(["SEMANTIC_CACHE_SHARED_MAX_BYTES"], min: 1, max: 1 << 50) ?? defaults.maxBytes
        )
    }

    /// The collector's settings.
    public func metrics() throws(ConfigurationError) -> MetricsConfiguration {
        let defaults = MetricsConfiguration()
        return MetricsConfiguration(
            enabled: try bool(["PERFORMANCE_METRICS_ENABLED"]) ?? defaults.enabled,
            windowSize: try integer(["METRICS_WINDOW_SIZE"], min: 1, max: 1_000_000) ?? defaults.windowSize
        )
    }

    /// The response cache's settings.
    public func responseCache() throws(ConfigurationError) -> ResponseCacheConfiguration {
        let defaults = ResponseCacheConfiguration()
        let ttl = try integer(["SEMANTIC_CACHE_TTL_SECS", "SEMANTIC_CACHE_TTL_SECONDS"], min: 1, max: 31_536_000)
        return ResponseCacheConfiguration(
            enabled: try bool(["SEMANTIC_CACHE_ENABLED"]) ?? defaults.enabled,
            defaultTTL: ttl.map { .seconds($0) } ?? defaults.defaultTTL,
            maxEntries: try integer(["SEMANTIC_CACHE_MAX_SIZE"], min: 1, max: 10_000_000) ?? defaults.maxEntries,
            maxResponseBytes: try integer(["SEMANTIC_CACHE_MAX_RESPONSE_SIZE"], min: 1, max: 1 << 40)
                ?? defaults.maxResponseBytes,
            maxTotalBytes: try integer(["SEMANTIC_CACHE_MAX_BYTES"], min: 1, max: 1 << 44) ?? defaults.maxTotalBytes
        )
    }

    /// The file-ID cache's settings.
    public func fileCache() throws(ConfigurationError) -> FileCacheConfiguration {
        let defaults = FileCacheConfiguration()
        let ttl = try integer(["FILE_CACHE_TTL_SECS", "FILECACHE_TTL_SECS"], min: 0, max: 315_360_000)
        return FileCacheConfiguration(
            enabled: try bool(["FILE_CACHE_ENABLED", "FILECACHE_ENABLED"]) ?? defaults.enabled,
            ttl: ttl.map { $0 == 0 ? nil : .seconds($0) } ?? defaults.ttl,
            path: try path(["FILE_CACHE_PATH", "FILECACHE_PATH"]) ?? defaults.path
        )
    }

    /// The metrics endpoint's settings.
    public func endpoint() throws(ConfigurationError) -> EndpointConfiguration {
        let defaults = EndpointConfiguration()
        return EndpointConfiguration(
            enabled: try bool(["METRICS_JSON_ENDPOINT_ENABLED", "METRICS_JSON_ENABLED"]) ?? defaults.enabled,
            host: try host(["METRICS_JSON_HOST"]) ?? defaults.host,
            port: try integer(["METRICS_JSON_PORT"], min: 0, max: 65_535) ?? defaults.port,
            controlToken: try token(["METRICS_CONTROL_TOKEN"])
        )
    }

    /// The uploader's settings.
    public func files() throws(ConfigurationError) -> FilesConfiguration {
        let defaults = FilesConfiguration()
        let maxCount = try integer(["KIMI_FILES_MAX_COUNT"], min: 0, max: 1_000_000)
        let sizeMB = try integer(["KIMI_FILES_MAX_SIZE_MB"], min: 1, max: 1_048_576)
        return FilesConfiguration(
            apiKey: try token(["KIMI_API_KEY"]),
            baseURL: try url(["KIMI_API_URL"]) ?? defaults.baseURL,
            parallelUploads: try bool(["KIMI_FILES_PARALLEL_UPLOADS"]) ?? defaults.parallelUploads,
            maxParallel: try integer(["KIMI_FILES_MAX_PARALLEL"], min: 1, max: 64) ?? defaults.maxParallel,
            maxFileBytes: sizeMB.map { $0 * 1_048_576 } ?? defaults.maxFileBytes,
            maxCount: maxCount.flatMap { $0 == 0 ? nil : $0 } ?? defaults.maxCount,
            oversizeBehavior: try choice(["KIMI_FILES_BEHAVIOR_ON_OVERSIZE"]) ?? defaults.oversizeBehavior,
            uploadTimeout: try seconds(["KIMI_FILES_UPLOAD_TIMEOUT_SECS"], allowZero: false) ?? defaults.uploadTimeout,
            fetchTimeout: try seconds(["KIMI_FILES_FETCH_TIMEOUT_SECS"], allowZero: false) ?? defaults.fetchTimeout,
            fetchRetries: try integer(["KIMI_FILES_FETCH_RETRIES"], min: 0, max: 100) ?? defaults.fetchRetries,
            fetchBackoff: try number(["KIMI_FILES_FETCH_BACKOFF"], min: 0, max: 60) ?? defaults.fetchBackoff,
            fetchInitialDelay: try seconds(["KIMI_FILES_FETCH_INITIAL_DELAY"], allowZero: true)
                ?? defaults.fetchInitialDelay
        )
    }

    /// The first of `names` that is set, with its value trimmed of surrounding whitespace.
    private func lookup(_ names: [String]) -> (name: String, raw: String, trimmed: String)? {
        for name in names {
            if let raw = environment[name] {
                return (name, raw, raw.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        return nil
    }

    private func bool(_ names: [String]) throws(ConfigurationError) -> Bool? {
        guard let (name, raw, value) = lookup(names) else { return nil }
        switch value.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(variable: name, value: raw, expected: "true/false, 1/0 or yes/no")
        }
    }

    private func integer(_ names: [String], min: Int, max: Int) throws(ConfigurationError) -> Int? {
        guard let (name, raw, value) = lookup(names) else { return nil }
        guard let number = Int(value), number >= min, number <= max else {
            throw ConfigurationError(variable: name, value: raw, expected: "a whole number from \(min) to \(max)")
        }
        return number
    }

    private func number(_ names: [String], min: Double, max: Double) throws(ConfigurationError) -> Double? {
        guard let (name, raw, value) = lookup(names) else { return nil }
        guard let number = Double(value), number.isFinite, number >= min, number <= max else {
            throw ConfigurationError(variable: name, value: raw, expected: "a number from \(min) to \(max)")
        }
        return number
    }

    private func seconds(_ names: [String], allowZero: Bool) throws(ConfigurationError) -> Duration? {
        guard let (name, raw, value) = lookup(names) else { return nil }
        guard let number = Double(value), number.isFinite, number <= 86_400, allowZero ? number >= 0 : number > 0
        else {
            let range = allowZero ? "from 0 to 86400" : "greater than 0 and at most 86400"
            throw ConfigurationError(variable: name, value: raw, expected: "a number of seconds \(range)")
        }
        return .milliseconds(Int64((number * 1000).rounded()))
    }

    private func choice<T: RawRepresentable & CaseIterable>(
        _ names: [String]
    ) throws(ConfigurationError) -> T? where T.RawValue == String {
        guard let (name, raw, value) = lookup(names) else { return nil }
        guard let result = T(rawValue: value.lowercased()) else {
            let options = T.allCases.map(\.rawValue).joined(separator: " or ")
            throw ConfigurationError(variable: name, value: raw, expected: options)
        }
        return result
    }

    private func host(_ names: [String]) throws(ConfigurationError) -> String? {
        guard let (name, raw, value) = lookup(names) else { return nil }
        let allowed = value.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || "0123456789.-:_[]".unicodeScalars.contains($0))
        }
        guard !value.isEmpty, allowed else {
            throw ConfigurationError(variable: name, value: raw, expected: "a host name or IP address, e.g. 127.0.0.1")
        }
        return value
    }

    private func path(_ names: [String]) throws(ConfigurationError) -> String? {
        guard let (name, raw, value) = lookup(names) else { return nil }
        guard !value.isEmpty, !value.contains("\0"), !value.hasSuffix("/") else {
            throw ConfigurationError(variable: name, value: raw, expected: "a file path, e.g. .cache/file-ids.sqlite")
        }
        return value
    }

    private func token(_ names: [String]) throws(ConfigurationError) -> String? {
        guard let (name, _, value) = lookup(names) else { return nil }
        let printable = value.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }
        guard !value.isEmpty, printable else {
            // The value is a secret: the message says what is wrong with it without repeating it.
            throw ConfigurationError(
                variable: name,
                value: "<\(value.utf8.count) bytes, hidden>",
                expected: "a non-empty token of printable ASCII without spaces"
            )
        }
        return value
    }

    private func storeURL(_ names: [String]) throws(ConfigurationError) -> SharedStoreURL? {
        guard let (name, _, value) = lookup(names), !value.isEmpty else { return nil }
        do {
            return try SharedStoreURL(value)
        } catch {
            // The value may hold a password: the message says what is wrong without repeating it.
            throw ConfigurationError(
                variable: name,
                value: "<\(value.utf8.count) bytes, hidden>",
                expected: "postgres://USER:PASSWORD@HOST:PORT/DB (\(error))"
            )
        }
    }

    private func url(_ names: [String]) throws(ConfigurationError) -> String? {
        guard let (name, raw, value) = lookup(names) else { return nil }
        guard let components = URLComponents(string: value),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw ConfigurationError(
                variable: name,
                value: raw,
                expected: "an http or https URL, e.g. \(FilesConfiguration.defaultBaseURL)"
            )
        }
        return value.hasSuffix("/") ? String(value.dropLast()) : value
    }
}
