import Foundation

/// A running engine found in a discovery folder (`<state dir>/instances/*.json`, written by `dashboard
/// proxy`): where its metrics endpoint is and which server it fronts.
public struct LocalInstance: Sendable, Equatable {
    /// The endpoint, `host:port`.
    public var target: String
    /// The server's name (`labels.server`).
    public var server: String
    /// The proxy's process id (`labels.pid`).
    public var pid: Int32
    /// The server's executable base name (`labels.executable`), if given.
    public var executable: String?
    /// The file it was read from.
    public var path: String
}

/// Reads discovery folders, as a local dashboard does to find every proxy.
///
/// Only files the current user owns are read (another user's could point the dashboard anywhere), at most
/// 64 KiB each; a file whose process is gone (a proxy killed with SIGKILL cannot remove its file) is skipped.
/// Every skipped file is reported with the reason, one line each; nothing here throws.
public enum LocalInstances {
    /// The largest discovery file read.
    public static let maxFileBytes = 64 * 1024

    /// The discovery folders to look in, in order (see ``StateDirectory/candidates(environment:)``).
    public static func folders(environment: [String: String]) -> [String] {
        StateDirectory.candidates(environment: environment).map { $0 + "/instances" }
    }

    /// Every live instance in `folders`, sorted by server then pid, and why other files were skipped.
    public static func scan(
        folders: [String],
        isAlive: (Int32) -> Bool = LocalInstances.processIsAlive
    ) -> (instances: [LocalInstance], problems: [String]) {
        var instances: [LocalInstance] = []
        var problems: [String] = []
        var seen = Set<String>()
        for folder in folders {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
                let path = folder + "/" + name
                guard seen.insert((path as NSString).resolvingSymlinksInPath).inserted else { continue }
                switch read(path) {
                case .success(let instance):
                    if isAlive(instance.pid) {
                        instances.append(instance)
                    } else {
                        problems.append("\(path): process \(instance.pid) is gone; skipped")
                    }
                case .failure(let problem):
                    problems.append("\(path): \(problem.reason); skipped")
                }
            }
        }
        instances.sort { ($0.server, $0.pid) < ($1.server, $1.pid) }
        return (instances, problems)
    }

    /// Why a discovery file was not used.
    public struct Problem: Error, Sendable, Equatable {
        /// The reason, without the path.
        public var reason: String
    }

    /// One discovery file, checked: owned by this user, small, a `file_sd` document with one loopback-or-any
    /// `host:port` target and a `server` and `pid` label.
    public static func read(_ path: String) -> Result<LocalInstance, Problem> {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .failure(Problem(reason: "cannot be read")) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(Problem(reason: "not a regular file")) }
        guard info.st_uid == getuid() else {
            return .failure(Problem(reason: "belongs to another user (uid \(info.st_uid))"))
        }
        guard info.st_size <= maxFileBytes else {
            return .failure(Problem(reason: "larger than \(maxFileBytes) bytes"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Problem(reason: "cannot be read"))
        }
        guard let document = try? JSONSerialization.jsonObject(with: data) else {
            return .failure(Problem(reason: "not JSON (truncated?)"))
        }
        guard let groups = document as? [[String: Any]], let group = groups.first, groups.count == 1,
            let targets = group["targets"] as? [String], targets.count == 1,
            let labels = group["labels"] as? [String: Any]
        else {
            return .failure(Problem(reason: "not a discovery document ([{\"targets\":[…],\"labels\":{…}}])"))
        }
        guard (try? MetricsTarget(parsing: targets[0])) != nil else {
            return .failure(
                Problem(reason: "target \(DisplayText.sanitized(targets[0], maxLength: 60)) is not host:port")
            )
        }
        guard let server = labels["server"] as? String, !server.isEmpty,
            let pidText = labels["pid"] as? String, let pid = Int32(pidText), pid > 0
        else {
            return .failure(Problem(reason: "labels need a server name and a pid"))
        }
        return .success(
            LocalInstance(
                target: targets[0],
                server: server,
                pid: pid,
                executable: labels["executable"] as? String,
                path: path
            )
        )
    }

    /// Whether a process with this id exists (one of another user's counts: it cannot be signalled, but it
    /// is there).
    @Sendable public static func processIsAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
