import Logging
import ServiceLifecycle

/// An engine's services running in a service group of their own until ``stop(grace:)``.
public struct RunningEngine: Sendable {
    /// The engine.
    public let runtime: EngineRuntime
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts every service of `runtime`.
    public static func start(_ runtime: EngineRuntime, logger: Logger) -> RunningEngine {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: runtime.services, logger: logger))
        let task = Task { try await group.run() }
        return RunningEngine(runtime: runtime, group: group, task: task)
    }

    /// Waits until the services stop on their own: returns normally when stopped, throws what made them fail.
    public func waitForFailure() async throws {
        try await task.value
    }

    /// Shuts the services down: graceful first (in-flight work finishes or is cancelled by its service),
    /// cancelled after `grace`.
    public func stop(grace: Duration) async {
        await group.triggerGracefulShutdown()
        let deadline = Task {
            try await Task.sleep(for: grace)
            task.cancel()
        }
        _ = try? await task.value
        deadline.cancel()
    }
}
