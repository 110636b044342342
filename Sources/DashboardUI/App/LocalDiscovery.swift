import Foundation
import MetricsClient
import MetricsWire

/// Keeps a ``TargetWatcher`` in step with the discovery folders: every second, new local proxies are
/// added, proxies whose file went away (or whose process is gone) are marked ended, and ended ones are
/// dropped after ``dropAfter`` seconds.
///
/// When not adopting (plain `dashboard`, until `L`), it only counts the proxies it could add.
public struct LocalDiscovery: Sendable {
    let watcher: TargetWatcher
    let folders: [String]
    /// Makes the control backend of a newly found proxy.
    let backend: @Sendable (MetricsTarget) -> any DashboardBackend
    /// Seconds an ended proxy stays on screen.
    static let dropAfter: Double = 10
    /// Seconds between scans.
    static let interval: Duration = .seconds(1)
    /// The files read so far, so an unchanged one is not read again each second.
    let cache = DiscoveryCache()

    /// Discovery into `watcher` of the instances whose files are in `folders`; `backend` makes the control
    /// backend of each one found.
    public init(
        watcher: TargetWatcher,
        folders: [String],
        backend: @escaping @Sendable (MetricsTarget) -> any DashboardBackend
    ) {
        self.watcher = watcher
        self.folders = folders
        self.backend = backend
    }

    /// One scan: returns how many live instances are not watched (what `L` would add when not adopting)
    /// and the problems of files skipped.
    @discardableResult
    func scan(adopting: Bool, now: Date = Date()) -> (unwatched: Int, problems: [String]) {
        let (instances, problems) = LocalInstances.scan(folders: folders, cache: cache)
        let watched = watcher.targets
        let found = Set(instances.map(\.target))
        var unwatched = 0
        for instance in instances {
            guard let target = try? MetricsTarget(parsing: instance.target) else { continue }
            let existing = watched.first { $0.id == target.description }
            if existing == nil || existing?.endedAt != nil {
                guard adopting else {
                    unwatched += 1
                    continue
                }
                if existing != nil { watcher.remove(target.description) }
                watcher.add(
                    target,
                    name: instance.server,
                    origin: .local,
                    backend: backend(target),
                    discoveryPath: instance.path
                )
            }
        }
        for entry in watched where entry.origin == .local {
            if let ended = entry.endedAt {
                if now.timeIntervalSince(ended) >= Self.dropAfter { watcher.remove(entry.id) }
            } else if !found.contains(entry.id) {
                watcher.end(entry.id, at: now)
            }
        }
        return (unwatched, problems)
    }
}

/// Runs ``LocalDiscovery`` every second in the background and remembers what the last scan found.
public final class DiscoveryLoop: Sendable {
    private let discovery: LocalDiscovery
    private let status = Guarded<(adopting: Bool, unwatched: Int)>((false, 0))
    private let task = Guarded<Task<Void, Never>?>(nil)

    /// A loop over `discovery`; `adopting` says whether found proxies are watched from the start.
    public init(_ discovery: LocalDiscovery, adopting: Bool) {
        self.discovery = discovery
        status.withLock { $0.adopting = adopting }
    }

    deinit {
        task.withLock { $0?.cancel() }
    }

    /// Starts scanning (the first scan happens at once).
    public func start() {
        let loop = Task { [weak self] in
            while !Task.isCancelled, let self {
                self.scanOnce()
                try? await Task.sleep(for: LocalDiscovery.interval)
            }
        }
        task.withLock { $0 = loop }
    }

    /// One scan now, as the loop does every second.
    func scanOnce() {
        let adopting = status.withLock { $0.adopting }
        let (unwatched, _) = discovery.scan(adopting: adopting)
        status.withLock { $0.unwatched = adopting ? 0 : unwatched }
    }

    /// Stops scanning.
    public func stop() {
        task.withLock { $0?.cancel() }
    }

    /// Local proxies found but not watched.
    var unwatched: Int { status.withLock { $0.unwatched } }

    /// Switches between watching local proxies and only counting them; returns the new setting. Proxies
    /// watched so far are dropped when switching off.
    func toggleAdopting() -> Bool {
        let adopting = status.withLock { status in
            status.adopting.toggle()
            return status.adopting
        }
        if !adopting {
            for entry in discovery.watcher.targets where entry.origin == .local {
                discovery.watcher.remove(entry.id)
            }
        } else {
            status.withLock { $0.unwatched = 0 }
        }
        return adopting
    }
}
