import ArgumentParser
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
