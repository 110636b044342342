import ArgumentParser
import DashboardUI
import Engine
import Foundation
import Logging
import MCPProxy
import MetricsClient
import MetricsWire

/// `dashboard serve`: the engine without a screen, for dashboards and scrapers to attach to.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the engine headless and serve its metrics endpoint until SIGINT or SIGTERM.",
        discussion: """
            Serves GET /metrics (JSON; Prometheus text with Accept: text/plain or at /metrics/prometheus), \
            GET /health, and the control API (POST /v1/tool-calls, /v1/uploads/test, /v1/reset) which needs \
            Authorization: Bearer <token>. The token is METRICS_CONTROL_TOKEN, or a random one stored in \
            ~/.local/state/dashboard/control-token (mode 0600) that a local `dashboard --attach` reads.

            Binds 127.0.0.1 unless told otherwise: --host 0.0.0.0 exposes the endpoint to the network.
            """
    )

    @Option(help: ArgumentHelp("Address to bind (default: METRICS_JSON_HOST or 127.0.0.1).", valueName: "address"))
    var host: String?

    @Option(
        help: ArgumentHelp("Port to bind, 0 for any free port (default: METRICS_JSON_PORT or 9109).", valueName: "port")
    )
    var port: Int?

    @Flag(help: "Do not run the demo workload of simulated tool calls.")
    var noDemo = false

    @Option(help: ArgumentHelp("Demo tool calls started per second.", valueName: "calls/s"))
    var demoRate: Double = 20

    @Option(
        help: ArgumentHelp(
            "With the built-in sandbox: the fraction (0 to 1) of uploads it answers 500, to watch retries.",
            valueName: "p"
        )
    )
    var sandboxErrorRate: Double = 0

    @Option(
        help: ArgumentHelp(
            "With the built-in sandbox: the fraction (0 to 1) of uploads whose connection it drops part-way.",
            valueName: "p"
        )
    )
    var sandboxDropRate: Double = 0

    @OptionGroup var traces: TraceOptions

    @OptionGroup var sharedCache: SharedCacheOptions

    @OptionGroup var fileCacheURL: FileCacheURLOption

    @OptionGroup var log: LogOptions

    func validate() throws {
        if let port, !(0...65_535).contains(port) {
            throw ValidationError("--port must be from 0 to 65535, got \(port)")
        }
        for (name, rate) in [("--sandbox-error-rate", sandboxErrorRate), ("--sandbox-drop-rate", sandboxDropRate)]
        where !(0...1).contains(rate) {
            throw ValidationError("\(name) must be from 0 to 1, got \(rate)")
        }
        guard demoRate.isFinite, demoRate > 0, demoRate <= 10_000 else {
            throw ValidationError("--demo-rate must be greater than 0 and at most 10000 calls/s, got \(demoRate)")
        }
    }

    /// How long, after SIGTERM or SIGINT, the spans still queued may take to reach the collector.
    static let flushGrace: Duration = .seconds(5)

    /// The sandbox's knobs: as visible as the dashboard's, with the faults asked for.
    var sandbox: SandboxConfiguration {
        var sandbox = SandboxConfiguration.visible
        sandbox.errorRate = sandboxErrorRate
        sandbox.dropRate = sandboxDropRate
        return sandbox
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = try engineConfiguration(environment)
        sharedCache.apply(to: &configuration)
        fileCacheURL.apply(to: &configuration)
        if let host { configuration.endpoint.host = host }
        if let port { configuration.endpoint.port = port }
        configuration.endpoint.enabled = true

        let logger = try log.bootstrap(label: "dashboard.serve")
        let endpoint = configuration.endpoint
        if !MetricsTarget.isLoopback(host: endpoint.host) {
            let tokenNote =
                endpoint.controlToken == nil
                ? " No METRICS_CONTROL_TOKEN is set: the control API uses the generated token in the state file." : ""
            printError(
                "warning: binding \(endpoint.host):\(endpoint.port) makes the metrics endpoint reachable from other "
                    + "machines.\(tokenNote)"
            )
        }
        let export = try traces.start(serviceName: "dashboard", environment: environment, logger: logger)
        let runtime = EngineRuntime(
            configuration: configuration,
            options: EngineOptions(
                mode: .serve,
                demo: noDemo ? nil : DemoConfiguration(rate: demoRate),
                tokenPath: ControlToken.defaultPath(environment: environment),
                sandbox: sandbox
            ),
            spans: export?.exporter,
            logger: logger
        )
        export?.report(to: runtime.collector)
        for warning in runtime.warnings { printError("warning: \(warning)") }
        let discovery = Guarded<DiscoveryFile?>(nil)
        if let server = runtime.server {
            Task {
                guard let bound = try? await server.port() else { return }
                // Listed with the proxies, so `--local` and a Prometheus `file_sd_configs` glob find it.
                switch DiscoveryFile.write(
                    host: server.host,
                    port: bound,
                    server: "serve",
                    executable: "dashboard",
                    environment: environment
                ) {
                case .success(let file): discovery.withLock { $0 = file }
                case .failure(let error): logger.warning("\(error)")
                }
                let demo = noDemo ? "demo off" : "demo on, \(demoRate) calls/s"
                FileHandle.standardError.write(
                    Data(
                        "dashboard: serving http://\(endpoint.host):\(bound)/metrics (\(demo)); stop with Ctrl-C\n".utf8
                    )
                )
            }
        }
        defer { discovery.withLock { $0?.remove() } }
        do {
            try await runtime.run(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch let error as EndpointBindError {
            await export?.stop(within: .seconds(1))
            printError(error.description)
            throw ExitCode(1)
        }
        await export?.stop(within: Self.flushGrace)
    }
}
