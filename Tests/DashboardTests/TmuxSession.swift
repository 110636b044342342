import Foundation
import TestSupport

/// A detached tmux session running a command, driven like a person at a keyboard.
struct TmuxSession {
    let name: String
    /// The tmux server of this session alone (`-L`): tests running at once never share one, so one
    /// test's last session ending (which stops a server) cannot take another's with it.
    let socket: String
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Starts `command` (run by sh) in a new session of `width`×`height`.
    init(command: String, width: Int = 120, height: Int = 40) throws {
        name = "dashboard-test-" + UUID().uuidString.prefix(8)
        socket = "dashboard-tests-" + name.suffix(8)
        _ = try Self.run(socket, ["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", command])
    }

    /// Runs one tmux command and returns what it printed (``SpawnedCommand``: the first `new-session`
    /// starts the tmux server, which inherits the child's descriptors, and Foundation's `Process` was seen
    /// to wait forever on that first client; a tmux server living on with the write end of another test's
    /// proxy stdin would keep that proxy from ever seeing end of file). A server of the tests' own, so
    /// settings of the user's sessions (NO_COLOR, say) do not leak in.
    @discardableResult
    static func run(_ socket: String, _ arguments: [String]) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        let outcome = try SpawnedCommand.runBlocking(
            tmux ?? "/usr/bin/tmux",
            ["-L", socket] + arguments,
            environment: environment
        )
        return outcome.output + outcome.error
    }

    /// The visible screen as text.
    func screen() throws -> String {
        try Self.run(socket, ["capture-pane", "-p", "-t", name])
    }

    func send(_ keys: String...) throws {
        try Self.run(socket, ["send-keys", "-t", name] + keys)
    }

    func resize(width: Int, height: Int) throws {
        try Self.run(socket, ["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// A tmux format value of the pane, e.g. `#{cursor_flag}`.
    func display(_ format: String) throws -> String {
        try Self.run(socket, ["display-message", "-p", "-t", name, format]).trimmingCharacters(
            in: .whitespacesAndNewlines
        )
    }

    /// Waits until the screen satisfies `condition`, up to `timeout`; returns the last screen.
    func waitFor(timeout: Duration, _ condition: (String) -> Bool) async throws -> (Bool, String) {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            // Each look runs tmux to its end: on a thread of its own, not one of the few every test shares.
            last = try await offThePool { [self] in try screen() }
            if condition(last) { return (true, last) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return (false, last)
    }

    func kill() {
        _ = try? Self.run(socket, ["kill-server"])
    }
}
