import Foundation
import MetricsClient
import MetricsWire

/// The watched targets: one poller each, with its own backoff and status, added and removed while the
/// screen runs (local proxies come and go).
///
/// Thread-safe; the screen loop reads ``targets`` every turn, the discovery scan adds and ends entries.
public final class TargetWatcher: Sendable {
    /// One watched endpoint.
    struct Entry: Sendable {
        var id: String
        var name: String?
        var origin: TargetView.Origin
        var poller: MetricsPoller
        var backend: any DashboardBackend
        var endedAt: Date?
        /// The discovery file it came from, for local proxies.
        var discoveryPath: String?
    }

    private let entries = Guarded<[Entry]>([])
    private let tasks = Guarded<[String: Task<Void, Never>]>([:])
    private let configuration: Guarded<PollerConfiguration>

    /// A watcher whose pollers poll as `configuration` says.
    public init(configuration: PollerConfiguration) {
        self.configuration = Guarded(configuration)
    }

    deinit {
        for task in tasks.withLock({ $0.values }) { task.cancel() }
    }

    /// The entries, in the order they were added.
    var targets: [Entry] { entries.withLock { $0 } }

    /// Starts watching `target` unless it is watched already; returns whether it was added. With
    /// `source`, the poller reads that (a fleet through Prometheus) and `target` is its address.
    @discardableResult
    public func add(
        _ target: MetricsTarget,
        name: String? = nil,
        origin: TargetView.Origin,
        backend: any DashboardBackend,
        discoveryPath: String? = nil,
        source: (any SnapshotSource)? = nil
    ) -> Bool {
        let id = target.description
        let current = configuration.withLock { $0 }
        let poller =
            source.map { MetricsPoller(source: $0, configuration: current) }
            ?? MetricsPoller(target: target, configuration: current)
        let added = entries.withLock { entries in
            guard !entries.contains(where: { $0.id == id }) else { return false }
            entries.append(
                Entry(
                    id: id,
                    name: name,
                    origin: origin,
                    poller: poller,
                    backend: backend,
                    discoveryPath: discoveryPath
                )
            )
            return true
        }
        if added { tasks.withLock { $0[id] = Task { await poller.run() } } }
        return added
    }

    /// Marks the target `id` as ended at `time` (a local proxy that exited); its poller stops.
    func end(_ id: String, at time: Date) {
        entries.withLock { entries in
            guard let index = entries.firstIndex(where: { $0.id == id }), entries[index].endedAt == nil else { return }
            entries[index].endedAt = time
        }
        tasks.withLock { $0.removeValue(forKey: id) }?.cancel()
    }

    /// Stops watching `id` and forgets it.
    func remove(_ id: String) {
        entries.withLock { $0.removeAll { $0.id == id } }
        tasks.withLock { $0.removeValue(forKey: id) }?.cancel()
    }

    /// Changes every poller's interval, and that of pollers added later.
    func setInterval(_ interval: Duration) {
        configuration.withLock { $0.interval = interval }
        for entry in targets { entry.poller.setInterval(interval) }
    }

    /// Stops every poller.
    public func stopAll() {
        for task in tasks.withLock({ tasks in
            defer { tasks.removeAll() }
            return Array(tasks.values)
        }) {
            task.cancel()
        }
    }
}
