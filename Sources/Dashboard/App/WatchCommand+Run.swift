import ArgumentParser
import ConfigFile
import DashboardUI
import Engine
import Foundation
import Logging
import MetricsClient
import MetricsWire
import Traces

extension WatchCommand {
    /// Opens the dashboard: of an embedded engine, of the `--attach` targets, or of every local proxy.
    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            printError(
                "the dashboard needs a terminal; for scripts use `dashboard snapshot` (one poll, plain text or --json)"
            )
            throw ExitCode(2)
        }
        let settings: Settings
        do {
            settings = try Settings(command: self, environment: environment)
        } catch let failure as CommandFailure {
            printError(failure.description)
            throw ExitCode(78)
        }
        let logger = try startLogging()
        logger.info(
            "dashboard starting",
            metadata: ["targets": "\(settings.targets.count)", "local": "\(settings.local)"]
        )
        let watched: Watched
        do {
            watched = try await prepare(settings, environment: environment, logger: logger)
        } catch let failure as CommandFailure {
            printError(failure.description)
            throw ExitCode(1)
        }
        do {
            try await show(watched, settings: settings, environment: environment, logger: logger)
        } catch {
            watched.discovery?.stop()
            watched.watcher.stopAll()
            await watched.engine?.stop()
            printError("cannot open the terminal: \(error)")
            throw ExitCode(1)
        }
        logger.info("dashboard stopping")
        watched.discovery?.stop()
        watched.watcher.stopAll()
        await watched.engine?.stop()
    }

    /// The command line merged over the configuration file.
    struct Settings {
        var targets: [MetricsTarget]
        var local: Bool
        /// The fleet to read through Prometheus (`--prometheus`), instead of targets.
        var fleet: FleetSource?
        var refresh: Double
        var rateWindow: Double
        var thresholds: LatencyThresholds
        var colorOff: Bool

        init(command: WatchCommand, environment: [String: String]) throws {
            var file = DashboardConfig()
            if let path = command.config ?? DashboardConfig.defaultPath(environment: environment) {
                do {
                    file = try DashboardConfig.load(path: path, required: command.config != nil)
                } catch {
                    throw CommandFailure(error.description)
                }
            }
            do {
                fleet = try command.fleet.source()
            } catch {
                throw CommandFailure("cannot read --prometheus: \(error)")
            }
            // Targets named on the command line replace the file's; a fleet replaces both.
            let named =
                fleet != nil ? [] : command.attach.isEmpty && !command.local ? file.targets : command.attach
            var targets: [MetricsTarget] = []
            for address in named {
                do {
                    let target = try MetricsTarget(parsing: address)
                    if !targets.contains(target) { targets.append(target) }
                } catch {
                    throw CommandFailure("cannot attach to \"\(address)\": \(error)")
                }
            }
            self.targets = targets
            local = fleet == nil && (command.local || (command.attach.isEmpty && file.local == true))
            refresh = command.refresh ?? file.refresh ?? 1
            rateWindow = file.rateWindow ?? 10
            thresholds = file.thresholds
            colorOff = command.noColor || file.color == false
            if !isEmbedded, command.traces.endpoint != nil {
                throw CommandFailure(
                    "--otlp-endpoint exports the spans of the dashboard's own engine, and with --attach, --local or "
                        + "--prometheus it runs none: give --otlp-endpoint to the engines and proxies it watches"
                )
            }
        }

        /// Whether the dashboard runs its own engine: nothing else to watch was named.
        var isEmbedded: Bool { targets.isEmpty && !local && fleet == nil }
    }

    /// What the screen watches: the targets, the discovery loop, and the engine it started, if any.
    struct Watched {
        var watcher: TargetWatcher
        var discovery: DiscoveryLoop?
        var state: DashboardState
        var engine: EmbeddedEngine?
    }

    /// Nothing may be printed over the screen: logs go to --log-file, or nowhere.
    private func startLogging() throws -> Logger {
        if log.logFile != nil { return try log.bootstrap(label: "dashboard") }
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        return Logger(label: "dashboard")
    }

    private var testFileBytes: Int { uploadSize * 1_048_576 }

    private func prepare(_ settings: Settings, environment: [String: String], logger: Logger) async throws -> Watched {
        let watcher = TargetWatcher(
            configuration: PollerConfiguration(
                interval: .milliseconds(Int64(settings.refresh * 1000)),
                bearerToken: bearerToken
            )
        )
        var state = DashboardState(
            mode: settings.fleet != nil
                ? .fleet : settings.isEmbedded ? .embedded : settings.local ? .local : .attached,
            refreshInterval: settings.refresh,
            rateWindow: settings.rateWindow,
            thresholds: settings.thresholds
        )
        var engine: EmbeddedEngine?
        if settings.isEmbedded {
            let started = try await embedded(environment: environment, logger: logger)
            engine = started
            let target = MetricsTarget(host: "127.0.0.1", port: started.port)
            watcher.add(
                target,
                name: "embedded" + (started.portNote.map { " (\($0))" } ?? ""),
                origin: .embedded,
                backend: EmbeddedBackend(runtime: started.runtime, testFileBytes: testFileBytes)
            )
            if let warning = started.runtime.warnings.first {
                state.ui.statusMessage = StatusMessage(warning, kind: .error)
            }
        }
        for target in settings.targets {
            watcher.add(target, origin: .attached, backend: attachedBackend(target, environment: environment))
        }
        if let fleet = settings.fleet {
            watcher.add(fleet.target, name: "prometheus", origin: .fleet, backend: FleetBackend(), source: fleet)
            // Local proxies are not offered: the fleet already holds every instance Prometheus scrapes.
            return Watched(watcher: watcher, discovery: nil, state: state, engine: nil)
        }
        let testFileBytes = self.testFileBytes
        let token = self.token
        let discovery = DiscoveryLoop(
            LocalDiscovery(
                watcher: watcher,
                folders: LocalInstances.folders(environment: environment),
                backend: { target in
                    AttachedBackend(
                        target: target,
                        credential: ControlCredential.resolve(flag: token, environment: environment, target: target),
                        testFileBytes: testFileBytes
                    )
                }
            ),
            adopting: settings.local
        )
        discovery.start()
        return Watched(watcher: watcher, discovery: discovery, state: state, engine: engine)
    }

    private func attachedBackend(_ target: MetricsTarget, environment: [String: String]) -> AttachedBackend {
        AttachedBackend(
            target: target,
            credential: ControlCredential.resolve(flag: token, environment: environment, target: target),
            testFileBytes: testFileBytes
        )
    }

    private func embedded(environment: [String: String], logger: Logger) async throws -> EmbeddedEngine {
        var configuration = try engineConfiguration(environment)
        sharedCache.apply(to: &configuration)
        fileCacheURL.apply(to: &configuration)
        if let port { configuration.endpoint.port = port }
        let export: RunningExport?
        do {
            export = try traces.start(serviceName: "dashboard", environment: environment, logger: logger)
        } catch {
            throw CommandFailure("\(error)")
        }
        return try await EmbeddedEngine.start(
            configuration: configuration,
            options: EngineOptions(
                mode: .embedded,
                demo: noDemo ? nil : DemoConfiguration(rate: demoRate),
                tokenPath: ControlToken.defaultPath(environment: environment),
                sandbox: .visible
            ),
            export: export,
            logger: logger
        )
    }

    /// Runs the screen until the user quits; throws if the terminal cannot be opened.
    private func show(
        _ watched: Watched,
        settings: Settings,
        environment: [String: String],
        logger: Logger
    ) async throws {
        // An engine that stops on its own (a failed service) is reported on the screen, never printed over it.
        let inbox = StatusInbox()
        let watchdog = Task { [engine = watched.engine] in
            do {
                try await engine?.waitForFailure()
            } catch is CancellationError {
                return
            } catch {
                logger.error("engine stopped", metadata: ["error": "\(error)"])
                inbox.post(StatusMessage("the engine stopped: \(error)", kind: .error))
            }
        }
        defer { watchdog.cancel() }

        let terminal = try CursesTerminal(
            options: TerminalOptions(
                useColor: TerminalOptions.colorWanted(environment: environment, noColorFlag: settings.colorOff)
            )
        )
        var state = watched.state
        state.ui.colorEnabled = terminal.hasColor
        logger.info("terminal", metadata: ["colors": "\(terminal.colorCount)", "utf8": "\(terminal.isUTF8)"])
        var screen = DashboardScreen(
            terminal: terminal,
            watcher: watched.watcher,
            discovery: watched.discovery,
            inbox: inbox,
            state: state
        )
        await screen.run()
        terminal.shutdown()
    }
}
