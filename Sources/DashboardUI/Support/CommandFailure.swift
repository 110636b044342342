import Foundation

/// A failure reported to the user as one line on standard error, then exit status 1.
public struct CommandFailure: Error, CustomStringConvertible {
    /// The line shown, after `dashboard: `.
    public let description: String

    /// A failure that says `description`.
    public init(_ description: String) {
        self.description = description
    }
}

/// Prints `message` as `dashboard: <message>` on standard error.
public func printError(_ message: String) {
    FileHandle.standardError.write(Data("dashboard: \(message)\n".utf8))
}
