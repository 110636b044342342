import CProxy
import Engine
import Foundation
import MetricsWire

/// The MCP server's process: started in a process group of its own with a parent-death signal, its
/// stdin and stdout on pipes to the proxy, stderr shared with the proxy.
///
/// The parent-death signal fires when the *thread* that started the child ends, so a dedicated thread
/// starts it and then waits for it; it lives exactly as long as the child.
public final class ServerProcess: Sendable {
    /// The child's pid (also its process group).
    public let pid: Int32
    /// Where the proxy writes the server's stdin.
    public let stdin: Int32
    /// Where the proxy reads the server's stdout.
    public let stdout: Int32
    private let exit = Guarded<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

    private init(pid: Int32, stdin: Int32, stdout: Int32) {
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
    }

    /// Starts `arguments[0]` (resolved to `executable`) with `arguments`.
    public static func start(executable: String, arguments: [String]) throws(ServerStartError) -> ServerProcess {
        var toPipe: [Int32] = [-1, -1]
        var fromPipe: [Int32] = [-1, -1]
        guard cspawn_pipe(&toPipe) == 0, cspawn_pipe(&fromPipe) == 0 else {
            throw ServerStartError(exitStatus: 126, description: "dashboard proxy: cannot create pipes: \(errnoText())")
        }
        let toChild = toPipe
        let fromChild = fromPipe
        let started = StartSignal()
        let thread = Thread {
            let result = spawn(
                executable,
                arguments,
                child: (stdin: toChild[0], stdout: fromChild[1]),
                parent: (stdin: toChild[1], stdout: fromChild[0])
            )
            started.deliver(result)
            guard case .success(let process) = result else { return }
            process.waitForExitBlocking()
        }
        thread.name = "server-supervisor"
        thread.start()
        let result = started.wait()
        close(toChild[0])
        close(fromChild[1])
        switch result {
        case .success(let process): return process
        case .failure(let failure):
            close(toChild[1])
            close(fromChild[0])
            throw CommandResolver.failure(errno: failure.code, command: arguments.first ?? executable)
        }
    }

    private static func spawn(
        _ executable: String,
        _ arguments: [String],
        child: (stdin: Int32, stdout: Int32),
        parent: (stdin: Int32, stdout: Int32)
    ) -> Result<ServerProcess, SpawnErrno> {
        var argv = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for pointer in argv { free(pointer) } }
        var error: Int32 = 0
        let pid = executable.withCString { path in
            argv.withUnsafeMutableBufferPointer { argvPointer in
                cspawn_start(path, argvPointer.baseAddress, environ, child.stdin, child.stdout, &error)
            }
        }
        guard pid > 0 else { return .failure(SpawnErrno(code: error)) }
        return .success(ServerProcess(pid: pid, stdin: parent.stdin, stdout: parent.stdout))
    }

    /// Sends `signal` to the server's process group (the server and what it started).
    public func signal(_ signal: Int32) {
        if kill(-pid, signal) != 0 { kill(pid, signal) }
    }

    /// The server's exit status as a shell reports it (128+N for signal N), once it exits.
    public func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status: Int32? = exit.withLock { state in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// The status if the server has exited.
    public var exited: Int32? { exit.withLock { $0.status } }

    private func waitForExitBlocking() {
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 {
            guard errno == EINTR else { break }
        }
        let status = Self.shellStatus(raw)
        let waiters = exit.withLock { state in
            state.status = status
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    /// A `waitpid` status as a shell's `$?`.
    static func shellStatus(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7F
        if signal == 0 { return (raw >> 8) & 0xFF }
        return 128 + signal
    }
}

/// The errno of a failed start.
struct SpawnErrno: Error {
    let code: Int32
}

/// Hands the start result from the supervisor thread to the caller.
private final class StartSignal: Sendable {
    private let result = Guarded<Result<ServerProcess, SpawnErrno>?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func deliver(_ value: Result<ServerProcess, SpawnErrno>) {
        result.withLock { $0 = value }
        ready.signal()
    }

    func wait() -> Result<ServerProcess, SpawnErrno> {
        ready.wait()
        return result.withLock { $0! }
    }
}

func errnoText() -> String {
    String(cString: strerror(errno))
}
