import Foundation

/// A detached tmux session running a command, driven like a person at a keyboard.
struct TmuxSession {
    let name: String
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Starts `command` (run by sh) in a new session of `width`×`height`.
    init(command: String, width: Int = 120, height: Int = 40) throws {
        name = "dashboard-test-" + UUID().uuidString.prefix(8)
        _ = try Self.run(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", command])
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tmux ?? "/usr/bin/tmux")
        // A server of the tests' own: settings of the user's sessions (NO_COLOR, say) must not leak in.
        process.arguments = ["-L", "dashboard-tests"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The visible screen as text.
    func screen() throws -> String {
        try Self.run(["capture-pane", "-p", "-t", name])
    }

    func send(_ keys: String...) throws {
        try Self.run(["send-keys", "-t", name] + keys)
    }

    func resize(width: Int, height: Int) throws {
        try Self.run(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// A tmux format value of the pane, e.g. `#{cursor_flag}`.
    func display(_ format: String) throws -> String {
        try Self.run(["display-message", "-p", "-t", name, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits until the screen satisfies `condition`, up to `timeout`; returns the last screen.
    func waitFor(timeout: Duration, _ condition: (String) -> Bool) async throws -> (Bool, String) {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try screen()
            if condition(last) { return (true, last) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return (false, last)
    }

    func kill() {
        _ = try? Self.run(["kill-session", "-t", name])
    }
}
