import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Whether a child process has ended, asked of the kernel directly.
///
/// Foundation's `Process` learns of a child's exit through a socket the child inherits, and does not see
/// it while anything else still holds a copy of that socket; a loaded run of the suite once saw
/// `isRunning` stay true for 20 s after a proxy's exit. `waitid` with `WNOWAIT` reads the exit without
/// reaping the child, so `Process` still reaps it and reports the same status later.
public enum ChildExit {
    /// `process`'s exit status (128 + N when signal N ended it) once it ended, else `nil`.
    public static func exitStatus(_ process: Process) -> Int32? {
        if !process.isRunning {
            return process.terminationReason == .uncaughtSignal
                ? 128 + process.terminationStatus : process.terminationStatus
        }
        var info = siginfo_t()
        // ECHILD (`Process` reaped it just now) is nil too: `isRunning` turns false at the next look.
        guard waitid(P_PID, id_t(process.processIdentifier), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
            return nil
        }
        let status = info._sifields._sigchld.si_status
        switch info.si_code {
        case Int32(CLD_EXITED): return status
        case Int32(CLD_KILLED), Int32(CLD_DUMPED): return 128 + status
        default: return nil
        }
    }

    /// Waits up to `timeout` for `process` to end; its exit status, or `nil` if it still runs.
    public static func wait(for process: Process, timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        var status = exitStatus(process)
        while status == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
            status = exitStatus(process)
        }
        return status
    }

    /// What the kernel says of a process that did not end in time: its state and what it waits in, and
    /// its children's, for a test's failure message.
    public static func describe(_ pid: pid_t) -> String {
        func read(_ path: String) -> String {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "?").trimmingCharacters(
                in: .whitespacesAndNewlines
            )
        }
        func line(_ pid: String) -> String {
            let state = read("/proc/\(pid)/status").split(separator: "\n").first { $0.hasPrefix("State:") } ?? "gone"
            return "pid \(pid) \(state) wchan \(read("/proc/\(pid)/wchan")) cmd \(read("/proc/\(pid)/comm"))"
        }
        let children = read("/proc/\(pid)/task/\(pid)/children").split(separator: " ").map(String.init)
        return ([line("\(pid)")] + children.map { "child " + line($0) }).joined(separator: "; ")
    }
}
