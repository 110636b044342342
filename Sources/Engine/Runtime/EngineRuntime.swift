import Logging
import MetricsWire
import ServiceLifecycle
import UnixSignals

/// The engine assembled: collector, caches, metrics endpoint and demo workload, ready to run.
///
/// Creating it opens the file-ID cache and resolves the control token; ``services`` are what to run in a
/// `ServiceGroup`. Problems that should not stop the engine (a corrupt cache moved aside, an unwritable
/// token directory) are in ``warnings`` and in the log.
public final class EngineRuntime: Sendable {
    /// The settings the engine was made with.
    public let configuration: EngineConfiguration
    /// How the engine runs.
    public let options: EngineOptions
    /// The metrics collector every component reports to.
    public let collector: MetricsCollector
    /// The response cache.
    public let responseCache: ResponseCache
    /// The file-ID cache, or `nil` if disabled or it could not be opened (see ``warnings``).
    public let fileCache: FileIDCache?
    /// The metrics HTTP server, or `nil` if the endpoint is disabled.
    public let server: MetricsServer?
    /// The upload path (uploader and its Files API target), or `nil` if it could not be set up.
    public let uploads: UploadService?
    /// The demo workload, or `nil` if off.
    public let demo: DemoWorkload?
    /// The PostgreSQL stores the caches share with other replicas (one per distinct URL); empty without.
    public let sharedStores: [SharedStore]
    /// Problems met while assembling that did not stop the engine, one line each.
    public let warnings: [String]
    private let logger: Logger
    private let endpoint: MetricsEndpoint?

    /// Assembles the engine. With `spans`, each tool call it records and each upload is handed to it as a
    /// span.
    public init(
        configuration: EngineConfiguration,
        options: EngineOptions,
        actions: ControlActions = .init(),
        spans: (any SpanSink)? = nil,
        logger: Logger
    ) {
        var warnings: [String] = []
        self.configuration = configuration
        self.options = options
        self.logger = logger
        let collector = MetricsCollector(configuration: configuration.metrics, spans: spans)
        self.collector = collector
        var stores: [SharedStoreURL: SharedStore] = [:]
        func store(_ url: SharedStoreURL?) -> SharedStore? {
            guard let url else { return nil }
            if let known = stores[url] { return known }
            let made = SharedStore(
                url: url,
                timeout: configuration.shared.timeout,
                healthSignal: collector.healthSignal,
                logger: logger
            )
            stores[url] = made
            return made
        }
        let sharedResponses = store(configuration.responseCache.enabled ? configuration.shared.responseCacheURL : nil)
            .map {
                SharedResponses(
                    store: $0,
                    maxEntries: configuration.shared.maxEntries,
                    maxBytes: configuration.shared.maxBytes
                )
            }
        self.responseCache = ResponseCache(
            configuration: configuration.responseCache,
            collector: collector,
            shared: sharedResponses
        )

        var fileCache: FileIDCache?
        if configuration.fileCache.enabled {
            let shared = store(configuration.shared.fileCacheURL).map(SharedFileIDs.init(store:))
            do {
                fileCache = try Self.openFileCache(
                    configuration.fileCache,
                    collector: collector,
                    shared: shared,
                    warnings: &warnings
                )
            } catch {
                warnings.append("file-ID cache disabled: \(error)")
            }
        }
        self.fileCache = fileCache
        self.sharedStores = stores.values.sorted { $0.url.description < $1.url.description }

        var uploads: UploadService?
        if options.uploads {
            do {
                uploads = try UploadService(
                    configuration: configuration.files,
                    fileCache: fileCache,
                    collector: collector,
                    sandbox: options.sandbox,
                    target: options.filesTarget,
                    logger: logger
                )
            } catch {
                warnings.append("uploads disabled: \(error)")
            }
        }
        self.uploads = uploads

        collector.setEngineInfo(
            EngineInfo(
                name: EngineVersion.name,
                version: EngineVersion.current,
                mode: options.mode,
                demo: options.demo != nil,
                filesAPI: uploads?.targetName ?? "none"
            )
        )

        if configuration.endpoint.enabled {
            var token: ControlToken?
            var tokenProblem: String?
            do {
                token = try ControlToken.resolve(
                    configured: configuration.endpoint.controlToken,
                    path: options.tokenPath
                )
            } catch {
                tokenProblem = "control API disabled: \(error)"
                warnings.append(tokenProblem!)
            }
            var checks: [HealthCheck] = []
            if let fileCache { checks.append(fileCache.healthCheck) }
            for (index, store) in sharedStores.enumerated() {
                checks.append(store.healthCheck(name: index == 0 ? "shared_store" : "shared_store_\(index + 1)"))
            }
            if let uploads { checks.append(uploads.healthCheck) }
            var actions = actions
            if actions.startTestUpload == nil, let uploads {
                actions.startTestUpload = { files, size in
                    try await uploads.startTestUpload(files: files, sizeBytes: size)
                }
            }
            let endpoint = MetricsEndpoint(
                collector: collector,
                token: token,
                tokenProblem: tokenProblem,
                health: checks,
                actions: actions,
                version: EngineVersion.current
            )
            self.endpoint = endpoint
            self.server = MetricsServer(
                host: configuration.endpoint.host,
                port: configuration.endpoint.port,
                endpoint: endpoint,
                logger: logger
            )
        } else {
            self.endpoint = nil
            self.server = nil
        }

        if let demo = options.demo {
            self.demo = DemoWorkload(configuration: demo, collector: collector, cache: responseCache, logger: logger)
        } else {
            self.demo = nil
        }
        self.warnings = warnings
        for warning in warnings { logger.warning("\(warning)") }
    }

    /// Everything to run: the server, the demo workload and the cache sweeper.
    public var services: [any Service] {
        var services: [any Service] = [
            CacheSweeper(cache: responseCache), SnapshotRefresher(collector: collector, endpoint: endpoint),
        ]
        if let uploads { services.append(uploads) }
        for store in sharedStores { services.append(SharedStoreService(store: store)) }
        if let server { services.append(server) }
        if let demo { services.append(demo) }
        return services
    }

    /// Runs every service until one of `signals` arrives (graceful shutdown) or one fails.
    public func run(gracefulShutdownSignals signals: [UnixSignal]) async throws {
        var config = ServiceGroupConfiguration(services: services, logger: logger)
        config.gracefulShutdownSignals = signals
        try await ServiceGroup(configuration: config).run()
    }

    /// Opens the file cache; a non-database file is moved aside (a warning) and a fresh cache is opened.
    private static func openFileCache(
        _ configuration: FileCacheConfiguration,
        collector: MetricsCollector,
        shared: SharedFileIDs?,
        warnings: inout [String]
    ) throws -> FileIDCache {
        let first: FileIDCacheError
        do {
            return try FileIDCache(configuration: configuration, collector: collector, shared: shared)
        } catch {
            first = error
        }
        guard case .notADatabase = first.code else { throw first }
        warnings.append(first.description)
        return try FileIDCache(configuration: configuration, collector: collector, shared: shared)
    }
}

/// Runs ``MetricsCollector/runSnapshotRefresher()`` as a service.
struct SnapshotRefresher: Service {
    let collector: MetricsCollector
    let endpoint: MetricsEndpoint?

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await collector.runSnapshotRefresher { endpoint?.prepareJSON() }
        }
    }
}

/// Runs ``ResponseCache/runSweeper()`` as a service.
struct CacheSweeper: Service {
    let cache: ResponseCache

    func run() async throws {
        await cancelWhenGracefulShutdown { await cache.runSweeper() }
    }
}

/// Runs ``SharedStore/run()`` (connecting, reconnecting) as a service.
struct SharedStoreService: Service {
    let store: SharedStore

    func run() async throws {
        await cancelWhenGracefulShutdown { await store.run() }
    }
}
