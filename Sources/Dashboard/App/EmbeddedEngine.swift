import Engine
import Foundation
import Logging
import ServiceLifecycle

/// The dashboard's own engine, running in this process until ``stop()``.
struct EmbeddedEngine: Sendable {
    /// The assembled engine.
    let runtime: EngineRuntime
    /// The port its endpoint listens on.
    let port: Int
    /// Why the port is not the one asked for, when it is not (`port 9109 in use`).
    let portNote: String?
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// The longest ``stop()`` waits for in-flight work before cancelling it: the user pressed q.
    static let stopGrace: Duration = .milliseconds(400)

    /// Starts the engine; when the endpoint's port is taken, takes any free one and says so in ``portNote``.
    /// Throws a ``CommandFailure`` after stopping whatever it started.
    static func start(
        configuration: EngineConfiguration,
        options: EngineOptions,
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
        let runtime = EngineRuntime(configuration: configuration, options: options, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: runtime.services, logger: logger))
        let task = Task { try await group.run() }
        let port: Int
        do {
            guard let server = runtime.server else { throw CommandFailure("the engine has no metrics endpoint") }
            port = try await server.port()
        } catch {
            await Self.stop(group: group, task: task)
            throw CommandFailure("cannot start the embedded engine: \(error)")
        }
        return EmbeddedEngine(runtime: runtime, port: port, portNote: portNote, group: group, task: task)
    }

    /// Waits until the engine stops on its own: returns normally when it was stopped, throws what made it fail.
    func waitForFailure() async throws {
        try await task.value
    }

    /// Shuts the engine down: graceful first (test uploads are cancelled), cancelled after ``stopGrace``.
    func stop() async {
        await Self.stop(group: group, task: task)
    }

    private static func stop(group: ServiceGroup, task: Task<Void, any Error>) async {
        await group.triggerGracefulShutdown()
        let deadline = Task {
            try await Task.sleep(for: stopGrace)
            task.cancel()
        }
        _ = try? await task.value
        deadline.cancel()
    }
}
