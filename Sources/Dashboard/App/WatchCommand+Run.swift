import ArgumentParser
import Engine
import Foundation
import Logging
import MetricsClient

extension WatchCommand {
    /// Opens the dashboard: of an embedded engine, or attached to `--attach`.
    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            printError(
                "the dashboard needs a terminal; for scripts use `dashboard snapshot` (one poll, plain text or --json)"
            )
            throw ExitCode(2)
        }
        let logger = try startLogging()
        logger.info("dashboard starting")
        let watched: Watched
        do {
            if let attach {
                watched = try attached(to: attach, environment: environment)
            } else {
                watched = try await embedded(environment: environment, logger: logger)
            }
        } catch let failure as CommandFailure {
            printError(failure.description)
            throw ExitCode(1)
        }
        do {
            try await show(watched, environment: environment, logger: logger)
        } catch {
            await watched.engine?.stop()
            printError("cannot open the terminal: \(error)")
            throw ExitCode(1)
        }
        logger.info("dashboard stopping")
        await watched.engine?.stop()
    }

    /// What the screen watches: where to poll, how u and r act, and the engine it started, if any.
    struct Watched {
        var target: MetricsTarget
        var backend: any DashboardBackend
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

    private func attached(to address: String, environment: [String: String]) throws -> Watched {
        let target: MetricsTarget
        do {
            target = try MetricsTarget(parsing: address)
        } catch {
            throw CommandFailure("cannot attach to \"\(address)\": \(error)")
        }
        var state = DashboardState(refreshInterval: refresh)
        state.mode = .attached
        state.target = target.description
        let backend = AttachedBackend(
            target: target,
            credential: ControlCredential.resolve(flag: token, environment: environment, target: target),
            testFileBytes: testFileBytes
        )
        return Watched(target: target, backend: backend, state: state, engine: nil)
    }

    private func embedded(environment: [String: String], logger: Logger) async throws -> Watched {
        var configuration = try engineConfiguration(environment)
        if let port { configuration.endpoint.port = port }
        let engine = try await EmbeddedEngine.start(
            configuration: configuration,
            options: EngineOptions(
                mode: .embedded,
                demo: noDemo ? nil : DemoConfiguration(rate: demoRate),
                tokenPath: ControlToken.defaultPath(environment: environment),
                sandbox: .visible
            ),
            logger: logger
        )
        var state = DashboardState(refreshInterval: refresh)
        state.mode = .embedded
        let address = "127.0.0.1:\(engine.port)"
        state.target = engine.portNote.map { "\(address) (\($0))" } ?? address
        if let warning = engine.runtime.warnings.first {
            state.ui.statusMessage = StatusMessage(warning, kind: .error)
        }
        let backend = EmbeddedBackend(runtime: engine.runtime, testFileBytes: testFileBytes)
        return Watched(
            target: MetricsTarget(host: "127.0.0.1", port: engine.port),
            backend: backend,
            state: state,
            engine: engine
        )
    }

    /// Polls the target and runs the screen until the user quits; throws if the terminal cannot be opened.
    private func show(_ watched: Watched, environment: [String: String], logger: Logger) async throws {
        let poller = MetricsPoller(
            target: watched.target,
            configuration: PollerConfiguration(
                interval: .milliseconds(Int64(refresh * 1000)),
                bearerToken: bearerToken
            )
        )
        let polling = Task { await poller.run() }
        defer { polling.cancel() }
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
                useColor: TerminalOptions.colorWanted(environment: environment, noColorFlag: noColor)
            )
        )
        var state = watched.state
        state.ui.colorEnabled = terminal.hasColor
        logger.info("terminal", metadata: ["colors": "\(terminal.colorCount)", "utf8": "\(terminal.isUTF8)"])
        var screen = DashboardScreen(
            terminal: terminal,
            poller: poller,
            backend: watched.backend,
            inbox: inbox,
            state: state
        )
        await screen.run()
        terminal.shutdown()
    }
}
