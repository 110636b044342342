import DashboardUI
import Engine
import Foundation
import Logging
import Traces

/// The dashboard's own engine, running in this process until ``stop()``.
struct EmbeddedEngine: Sendable {
    /// The assembled engine.
    let runtime: EngineRuntime
    /// The port its endpoint listens on.
    let port: Int
    /// Why the port is not the one asked for, when it is not (`port 9109 in use`).
    let portNote: String?
    private let running: RunningEngine
    /// Its span export, when asked for.
    private let export: RunningExport?

    /// The longest ``stop()`` waits for in-flight work before cancelling it: the user pressed q.
    static let stopGrace: Duration = .milliseconds(400)

    /// Starts the engine; when the endpoint's port is taken, takes any free one and says so in ``portNote``.
    /// Throws a ``CommandFailure`` after stopping whatever it started.
    /// With `export`, its tool calls and uploads are spans; the export is stopped with the engine.
    static func start(
        configuration: EngineConfiguration,
        options: EngineOptions,
        export: RunningExport?,
        logger: Logger
    ) async throws -> EmbeddedEngine {
        var configuration = configuration
        configuration.endpoint.enabled = true
        var portNote: String?
        let wanted = configuration.endpoint.port
        if wanted != 0, !PortProbe.isFree(host: configuration.endpoint.host, port: wanted) {
            portNote = "port \(wanted) in use"
            configuration.endpoint.port = 0
        }
        let runtime = EngineRuntime(
            configuration: configuration,
            options: options,
            spans: export?.exporter,
            logger: logger
        )
        export?.report(to: runtime.collector)
        let running = RunningEngine.start(runtime, logger: logger)
        let port: Int
        do {
            guard let server = runtime.server else { throw CommandFailure("the engine has no metrics endpoint") }
            port = try await server.port()
        } catch {
            await running.stop(grace: stopGrace)
            await export?.stop(within: stopGrace)
            throw CommandFailure("cannot start the embedded engine: \(error)")
        }
        return EmbeddedEngine(runtime: runtime, port: port, portNote: portNote, running: running, export: export)
    }

    /// Waits until the engine stops on its own: returns normally when it was stopped, throws what made it fail.
    func waitForFailure() async throws {
        try await running.waitForFailure()
    }

    /// Shuts the engine down: graceful first (test uploads are cancelled), cancelled after ``stopGrace``; then
    /// sends the spans still queued, for at most ``flushGrace``.
    func stop() async {
        await running.stop(grace: Self.stopGrace)
        await export?.stop(within: Self.flushGrace)
    }

    /// The longest the user waits, after q, for the last spans to reach a collector.
    static let flushGrace: Duration = .seconds(1)
}
