import ArgumentParser
import DashboardUI
import Foundation
import Logging

/// The `--log-file` option shared by the commands that run the engine.
struct LogOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Append logs to this file instead of standard error.", valueName: "path"))
    var logFile: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// Routes swift-log to the file or to standard error; returns a logger for `label`.
    func bootstrap(label: String) throws -> Logger {
        if let logFile {
            let handle = try FileLogHandler.open(path: logFile)
            LoggingSystem.bootstrap { label in FileLogHandler(label: label, file: handle) }
        } else {
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
        }
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
