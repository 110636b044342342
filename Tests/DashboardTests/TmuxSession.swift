import Foundation

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

    /// Runs one tmux command and returns what it printed.
    ///
    /// Spawned and reaped by hand (posix_spawn + waitpid), with output to a file: the first `new-session`
    /// starts the tmux server, which inherits the child's descriptors, and Foundation's `Process` was seen to
    /// wait forever on that first client.
    @discardableResult
    static func run(_ socket: String, _ arguments: [String]) throws -> String {
        let path = NSTemporaryDirectory() + "tmux-output-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: path) }
        // A server of the tests' own: settings of the user's sessions (NO_COLOR, say) must not leak in.
        // The test process's other descriptors are closed first: spawned raw, the child inherits every one
        // (pipes to other tests' proxies among them), and a tmux server living on with the write end of a
        // proxy's stdin would keep that proxy from ever seeing end of file.
        // (bash, which closes descriptors above 9 too; the loop runs in the child, so nothing opens meanwhile.)
        let closeInherited =
            "for f in /proc/$$/fd/*; do n=${f##*/}; case $n in 0|1|2) ;; *) eval \"exec $n>&-\" 2>/dev/null ;; esac; done; "
        let script = closeInherited + "exec \"$0\" -L \(socket) \"$@\" >'\(path)' 2>&1 </dev/null"
        let argv = ["/bin/bash", "-c", script, tmux ?? "/usr/bin/tmux"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = envp.map { strdup($0) } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
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
            last = try screen()
            if condition(last) { return (true, last) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return (false, last)
    }

    func kill() {
        _ = try? Self.run(socket, ["kill-server"])
    }
}
