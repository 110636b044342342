import ArgumentParser
import Engine
import Foundation

/// A failure reported to the user as one line on standard error, then exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Prints `message` as `dashboard: <message>` on standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("dashboard: \(message)\n".utf8))
}

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
