import Foundation

/// A short-lived command spawned and reaped by hand (posix_spawn + waitpid), its output in files.
///
/// Foundation's `Process` was seen to miss the exit of a child that ends within milliseconds (its
/// `isRunning` stayed true until a timeout), and a child spawned raw inherits every descriptor of the
/// test process; bash closes all but 0–2 first, then execs the command with its output redirected.
public enum SpawnedCommand {
    /// What a finished command left: its exit status (128 + N when killed by signal N) and its output.
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        public var status: Int32
        /// What it wrote to standard output.
        public var output: String
        /// What it wrote to standard error.
        public var error: String
    }

    /// Runs `executable` with `arguments` (and `environment`, default the test process's) to the end, on
    /// a thread of its own.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Outcome {
        try await offThePool { try runBlocking(executable, arguments, environment: environment) }
    }

    /// ``run(_:_:environment:)`` on the calling thread.
    public static func runBlocking(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Outcome {
        let base = NSTemporaryDirectory() + "spawned-" + UUID().uuidString
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        let closeInherited =
            "for f in /proc/$$/fd/*; do n=${f##*/}; case $n in 0|1|2) ;; *) eval \"exec $n>&-\" 2>/dev/null ;; esac; done; "
        let script = closeInherited + "exec \"$0\" \"$@\" >'\(base).out' 2>'\(base).err' </dev/null"
        let argv = ["/bin/bash", "-c", script, executable] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let signal = status & 0x7F
        return Outcome(
            status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal,
            output: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
            error: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        )
    }
}
