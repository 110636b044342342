import Engine
import Foundation

/// Why a server command cannot be started, with the exit status a shell gives for it.
public struct ServerStartError: Error, Sendable, CustomStringConvertible {
    /// 127 (not found) or 126 (found but cannot be executed), as shells exit.
    public let exitStatus: Int32
    /// One line naming the command and what to do.
    public let description: String
}

/// Finds a server command as `execvp` would: a name with a slash is a path, a bare name is searched in
/// `PATH`. Run in the proxy before starting it, so the reason (not found, not executable) is known.
public enum CommandResolver {
    /// The path to execute for `command`, or why there is none.
    public static func resolve(_ command: String, path: String?) throws(ServerStartError) -> String {
        if command.isEmpty {
            throw ServerStartError(exitStatus: 127, description: "no server command given after --")
        }
        if command.contains("/") {
            try check(command, asGiven: command)
            return command
        }
        var notExecutable: String?
        let searchPath = path ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + command
            var info = stat()
            guard stat(candidate, &info) == 0, info.st_mode & S_IFMT != S_IFDIR else { continue }
            if access(candidate, X_OK) == 0 { return candidate }
            notExecutable = notExecutable ?? candidate
        }
        if let notExecutable {
            throw ServerStartError(
                exitStatus: 126,
                description: "dashboard proxy: \(notExecutable): permission denied (not executable); chmod +x it"
            )
        }
        throw ServerStartError(
            exitStatus: 127,
            description:
                "dashboard proxy: \(command): command not found in PATH; give the full path, as MCP clients start "
                + "servers with a reduced PATH"
        )
    }

    private static func check(_ path: String, asGiven command: String) throws(ServerStartError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ServerStartError(
                exitStatus: 127,
                description: "dashboard proxy: \(command): no such file; check the path of the server command"
            )
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw ServerStartError(exitStatus: 126, description: "dashboard proxy: \(command): is a directory")
        }
        guard access(path, X_OK) == 0 else {
            throw ServerStartError(
                exitStatus: 126,
                description: "dashboard proxy: \(command): permission denied (not executable); chmod +x it"
            )
        }
    }

    /// The failure for an `execve` errno seen after the command was resolved (it changed in between).
    static func failure(errno code: Int32, command: String) -> ServerStartError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOENT, ENOTDIR:
            return ServerStartError(exitStatus: 127, description: "dashboard proxy: \(command): \(reason)")
        default:
            return ServerStartError(exitStatus: 126, description: "dashboard proxy: \(command): \(reason)")
        }
    }
}
