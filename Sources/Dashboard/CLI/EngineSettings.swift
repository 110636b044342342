import ArgumentParser
import DashboardUI
import Engine

/// The engine's settings from the environment; a bad value is reported as one line and exits with status 78
/// (EX_CONFIG), before anything starts.
func engineConfiguration(_ environment: [String: String]) throws -> EngineConfiguration {
    do {
        return try EnvironmentReader(environment: environment).engineConfiguration()
    } catch {
        printError(error.description)
        throw ExitCode(78)
    }
}
