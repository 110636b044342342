import Foundation
import MetricsWire

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
    /// With a `cache`, a file whose inode, size and times are unchanged since the last scan is not read
    /// again (a dashboard scans every second); whether its process lives is checked every time.
    public static func scan(
        folders: [String],
        isAlive: (Int32) -> Bool = LocalInstances.processIsAlive,
        cache: DiscoveryCache? = nil
    ) -> (instances: [LocalInstance], problems: [String]) {
        var instances: [LocalInstance] = []
        var problems: [String] = []
        var seen = Set<String>()
        var stamps: [String: DiscoveryCache.Stamp] = [:]
        for folder in folders {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            // A folder reached twice (one a link to the other) is read once.
            let resolved =
                realpath(folder, nil).map { pointer in
                    defer { free(pointer) }
                    return String(cString: pointer)
                } ?? folder
            for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
                let path = folder + "/" + name
                guard seen.insert(resolved + "/" + name).inserted else { continue }
                let stamp = DiscoveryCache.Stamp(path)
                stamps[path] = stamp
                let result = cache?.result(path, stamp: stamp) ?? read(path)
                cache?.store(path, stamp: stamp, result: result)
                switch result {
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
        cache?.keep(Set(stamps.keys))
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
        return parse(data, path: path)
    }

    /// The instance a discovery file's contents name (read from `path`), or what is wrong with them.
    public static func parse(_ data: Data, path: String) -> Result<LocalInstance, Problem> {
        guard let document = try? JSONParser.parse(data) else {
            return .failure(Problem(reason: "not JSON (truncated?)"))
        }
        guard let groups = document.arrayValue, groups.count == 1, let group = groups.first, group.members != nil,
            let targets = group["targets"]?.arrayValue?.compactMap(\.stringValue), targets.count == 1,
            group["targets"]?.arrayValue?.count == 1,
            let labels = group["labels"], labels.members != nil
        else {
            return .failure(Problem(reason: "not a discovery document ([{\"targets\":[…],\"labels\":{…}}])"))
        }
        guard (try? MetricsTarget(parsing: targets[0])) != nil else {
            return .failure(
                Problem(reason: "target \(DisplayText.sanitized(targets[0], maxLength: 60)) is not host:port")
            )
        }
        guard let server = labels["server"]?.stringValue, !server.isEmpty,
            let pidText = labels["pid"]?.stringValue, let pid = Int32(pidText), pid > 0
        else {
            return .failure(Problem(reason: "labels need a server name and a pid"))
        }
        return .success(
            LocalInstance(
                target: targets[0],
                server: server,
                pid: pid,
                executable: labels["executable"]?.stringValue,
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

/// What the last scans read from each discovery file, by the file's inode, size and times: a file that
/// is not rewritten is read once, not every second.
public final class DiscoveryCache: Sendable {
    /// A file's identity and last change, from `lstat` (none when it cannot be stat'ed).
    public struct Stamp: Sendable, Equatable {
        var inode: UInt64
        var size: Int64
        var modified: timespec
        var changed: timespec

        init?(_ path: String) {
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = info.st_mtim
            changed = info.st_ctim
        }

        /// Same file, same size, same modification and change times.
        public static func == (left: Stamp, right: Stamp) -> Bool {
            left.inode == right.inode && left.size == right.size
                && left.modified.tv_sec == right.modified.tv_sec && left.modified.tv_nsec == right.modified.tv_nsec
                && left.changed.tv_sec == right.changed.tv_sec && left.changed.tv_nsec == right.changed.tv_nsec
        }
    }

    private let entries = Guarded<[String: (stamp: Stamp, result: Result<LocalInstance, LocalInstances.Problem>)]>([:])

    /// An empty cache.
    public init() {}

    /// What `path` gave when it last had `stamp`; `nil` when it changed, is new, or cannot be stat'ed.
    func result(_ path: String, stamp: Stamp?) -> Result<LocalInstance, LocalInstances.Problem>? {
        guard let stamp else { return nil }
        return entries.withLock { entries in entries[path].flatMap { $0.stamp == stamp ? $0.result : nil } }
    }

    func store(_ path: String, stamp: Stamp?, result: Result<LocalInstance, LocalInstances.Problem>) {
        entries.withLock { entries in
            if let stamp { entries[path] = (stamp, result) } else { entries[path] = nil }
        }
    }

    /// Forgets every file but `paths`.
    func keep(_ paths: Set<String>) {
        entries.withLock { entries in entries = entries.filter { paths.contains($0.key) } }
    }
}
