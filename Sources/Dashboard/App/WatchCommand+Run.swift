import ArgumentParser
import Engine
import Foundation
import Logging
import MetricsClient
import ServiceLifecycle

extension WatchCommand {
    /// Opens the dashboard: embedded engine, or attached to `--attach`.
    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            printError(
                "the dashboard needs a terminal; for scripts use `dashboard snapshot` (one poll, plain text or --json)"
            )
            throw ExitCode(2)
        }
        // Nothing may be printed over the screen: logs go to --log-file, or nowhere.
        var logger: Logger
        if log.logFile != nil {
            logger = try log.bootstrap(label: "dashboard")
        } else {
            LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
            logger = Logger(label: "dashboard")
        }
        logger.info("dashboard starting")

        var state = DashboardState(refreshInterval: refresh)
        let target: MetricsTarget
        let backend: any DashboardBackend
        var engine: (runtime: EngineRuntime, group: ServiceGroup, task: Task<Void, any Error>)?
        if let attach {
            do {
                target = try MetricsTarget(parsing: attach)
            } catch {
                printError("cannot attach to \"\(attach)\": \(error)")
                throw ExitCode(2)
            }
            state.mode = .attached
            state.target = "\(target.host):\(target.port)"
            backend = AttachedBackend(
                target: target,
                credential: ControlCredential.resolve(flag: token, environment: environment, target: target),
                testFileBytes: uploadSize * 1_048_576
            )
        } else {
            let started = try await startEngine(environment: environment, logger: logger)
            engine = (started.runtime, started.group, started.task)
            target = MetricsTarget(host: "127.0.0.1", port: started.port)
            state.mode = .embedded
            state.target = started.portNote.map { "127.0.0.1:\(started.port) (\($0))" } ?? "127.0.0.1:\(started.port)"
            backend = EmbeddedBackend(runtime: started.runtime, testFileBytes: uploadSize * 1_048_576)
            if let warning = started.runtime.warnings.first {
                state.ui.statusMessage = StatusMessage(warning, kind: .error)
            }
        }

        let poller = MetricsPoller(
            target: target,
            configuration: PollerConfiguration(
                interval: .milliseconds(Int64(refresh * 1000)),
                bearerToken: nil
            )
        )
        let polling = Task { await poller.run() }
        defer { polling.cancel() }
        // An engine that stops on its own (a failed service) is reported on the screen, never printed over it.
        let inbox = StatusInbox()
        let watchdog = Task { [task = engine?.task] in
            guard let task else { return }
            do {
                try await task.value
            } catch is CancellationError {
                return
            } catch {
                logger.error("engine stopped", metadata: ["error": "\(error)"])
                inbox.post(StatusMessage("the engine stopped: \(error)", kind: .error))
            }
        }
        defer { watchdog.cancel() }

        do {
            let terminal = try CursesTerminal(
                options: TerminalOptions(
                    useColor: TerminalOptions.colorWanted(environment: environment, noColorFlag: noColor)
                )
            )
            state.ui.colorEnabled = terminal.hasColor
            logger.info("terminal", metadata: ["colors": "\(terminal.colorCount)", "utf8": "\(terminal.isUTF8)"])
            var screen = DashboardScreen(
                terminal: terminal,
                poller: poller,
                backend: backend,
                inbox: inbox,
                state: state
            )
            await screen.run()
            terminal.shutdown()
        } catch {
            printError("cannot open the terminal: \(error)")
            await stop(engine?.group, engine?.task)
            throw ExitCode(1)
        }
        logger.info("dashboard stopping")
        await stop(engine?.group, engine?.task)
    }

    private func stop(_ group: ServiceGroup?, _ task: Task<Void, any Error>?) async {
        guard let group, let task else { return }
        await group.triggerGracefulShutdown()
        // Give the engine a moment to finish in-flight work, but never hang the exit.
        let deadline = Task {
            try await Task.sleep(for: .seconds(2))
            task.cancel()
        }
        _ = try? await task.value
        deadline.cancel()
    }

    /// Starts the embedded engine; when the endpoint's port is taken, takes any free one and says so.
    private func startEngine(
        environment: [String: String],
        logger: Logger
    ) async throws -> (
        runtime: EngineRuntime, group: ServiceGroup, task: Task<Void, any Error>, port: Int, portNote: String?
    ) {
        var configuration = try engineConfiguration(environment)
        configuration.endpoint.enabled = true
        if let port { configuration.endpoint.port = port }
        var portNote: String?
        let wanted = configuration.endpoint.port
        if wanted != 0, !PortProbe.isFree(host: configuration.endpoint.host, port: wanted) {
            portNote = "port \(wanted) in use"
            configuration.endpoint.port = 0
        }
        let runtime = EngineRuntime(
            configuration: configuration,
            options: EngineOptions(
                mode: .embedded,
                demo: noDemo ? nil : DemoConfiguration(rate: demoRate),
                tokenPath: ControlToken.defaultPath(environment: environment),
                sandbox: .visible
            ),
            logger: logger
        )
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: runtime.services, logger: logger))
        let task = Task { try await group.run() }
        guard let server = runtime.server else { throw ExitCode(1) }
        do {
            return (runtime, group, task, try await server.port(), portNote)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}
