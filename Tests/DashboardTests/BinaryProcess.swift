import Foundation
import MetricsClient
import MetricsWire
import TestSupport

/// A child that did not end in time, with what the kernel says of it.
struct StillRunning: Error, CustomStringConvertible {
    let description: String
}

/// The real `dashboard` binary run as a child process, with its output captured.
final class BinaryProcess: Sendable {
    let process: Process
    private let errorText = TextBuffer()
    private let outputText = TextBuffer()

    /// The executable built beside the test bundle.
    static var path: String { BuiltExecutable.path("dashboard") }

    init(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.path)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        process.environment = merged
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let error = Pipe()
        let output = Pipe()
        process.standardError = error
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        for (pipe, buffer) in [(error, errorText), (output, outputText)] {
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    buffer.close()
                } else {
                    buffer.append(String(decoding: data, as: UTF8.self))
                }
            }
        }
        try process.run()
    }

    var standardError: String { errorText.text }
    var standardOutput: String { outputText.text }

    /// Waits for the process to exit and for all its output to be read; returns the exit status.
    func finish(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        guard let status = await ChildExit.wait(for: process, timeout: timeout) else {
            throw StillRunning(
                description: "still running after \(timeout): \(ChildExit.describe(process.processIdentifier))"
            )
        }
        while !errorText.isClosed || !outputText.isClosed, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return status
    }

    /// Waits until standard error contains `text`, up to `timeout`.
    func waitForError(containing text: String, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if standardError.contains(text) { return true }
            if ChildExit.exitStatus(process) != nil { return standardError.contains(text) }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Sends `signal` and waits for the process to end; returns its exit status (or nil on timeout).
    func stop(signal: Int32, timeout: Duration = .seconds(10)) async throws -> Int32? {
        kill(process.processIdentifier, signal)
        let status = await ChildExit.wait(for: process, timeout: timeout)
        if status == nil { kill(process.processIdentifier, SIGKILL) }
        return status
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Text collected from a pipe by its reader thread.
final class TextBuffer: Sendable {
    private let storage = Guarded((text: "", closed: false))

    var text: String { storage.withLock { $0.text } }
    var isClosed: Bool { storage.withLock { $0.closed } }

    func append(_ chunk: String) {
        storage.withLock { $0.text += chunk }
    }

    func close() {
        storage.withLock { $0.closed = true }
    }
}
