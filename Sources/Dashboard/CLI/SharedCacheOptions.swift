import ArgumentParser
import Engine
import MetricsWire

/// `--cache-url` and `--cache-timeout`: the response cache's second level in PostgreSQL, shared by replicas.
struct SharedCacheOptions: ParsableArguments {
    @Option(
        name: .customLong("cache-url"),
        help: ArgumentHelp(
            "Share cached results with other replicas through PostgreSQL: postgres://USER:PASSWORD@HOST:PORT/DB"
                + "[?sslmode=disable|prefer|require] (default: SEMANTIC_CACHE_URL). The variable keeps the "
                + "password out of `ps`; it is never logged or shown.",
            valueName: "url"
        )
    )
    var cacheURL: String?

    @Option(
        name: .customLong("cache-timeout"),
        help: ArgumentHelp(
            "How long a shared-store lookup may take before the local cache answers alone, e.g. 50ms "
                + "(default: SHARED_CACHE_TIMEOUT_MS or 50ms).",
            valueName: "duration"
        )
    )
    var cacheTimeout: String?

    func validate() throws {
        if let cacheURL {
            do {
                _ = try SharedStoreURL(cacheURL)
            } catch {
                throw ValidationError("--cache-url: \(error)")
            }
        }
        if let cacheTimeout {
            guard let duration = DurationText.parse(cacheTimeout), duration > .zero, duration <= .seconds(60) else {
                throw ValidationError(
                    "--cache-timeout must be a duration from 1ms to 60s, like 50ms, got '\(cacheTimeout)'"
                )
            }
        }
    }

    /// Puts the flags into `configuration` (flags win over the environment).
    func apply(to configuration: inout EngineConfiguration) {
        if let cacheURL, let url = try? SharedStoreURL(cacheURL) { configuration.shared.responseCacheURL = url }
        if let cacheTimeout, let duration = DurationText.parse(cacheTimeout) { configuration.shared.timeout = duration }
    }
}

/// `--file-cache-url`: the file-ID cache's rows in PostgreSQL, shared by replicas.
struct FileCacheURLOption: ParsableArguments {
    @Option(
        name: .customLong("file-cache-url"),
        help: ArgumentHelp(
            "Share the file-ID cache with other replicas through PostgreSQL: postgres://USER:PASSWORD@HOST:PORT/DB "
                + "(default: FILE_CACHE_URL); a file one replica uploaded is then cached for all. The local "
                + "SQLite file stays in front of it.",
            valueName: "url"
        )
    )
    var fileCacheURL: String?

    func validate() throws {
        if let fileCacheURL {
            do {
                _ = try SharedStoreURL(fileCacheURL)
            } catch {
                throw ValidationError("--file-cache-url: \(error)")
            }
        }
    }

    /// Puts the flag into `configuration` (it wins over the environment).
    func apply(to configuration: inout EngineConfiguration) {
        if let fileCacheURL, let url = try? SharedStoreURL(fileCacheURL) { configuration.shared.fileCacheURL = url }
    }
}
