import Foundation
import MetricsClient
import MetricsWire

/// Reads the message logs of every watched target while the Messages view is open: each proxy's
/// `GET /v1/messages` twice a second, from where the last read ended; the screen adds what was read to its
/// ``MessageList``.
///
/// The first read of a target starts at its newest ``backlog`` messages. An answer read before the proxy
/// matched it to its request (no latency yet) is read once more on the next turn. Thread-safe: the screen
/// loop takes the list, the polling task fills it.
public final class MessageFeed: Sendable {
    /// Where the reads of one target are.
    private struct Cursor: Sendable {
        /// The newest message read; nil before the first read.
        var after: Int?
        /// An answer read without its latency: read again from there once.
        var rereadFrom: Int?
        /// When a target that keeps no messages is asked again.
        var retryAt = Date.distantPast
    }

    private struct Shared {
        /// What was read since the screen last took it.
        var delta = MessageDelta()
        var sources: [MessageSource] = []
        var cursors: [String: Cursor] = [:]
    }

    private let shared = Guarded(Shared())
    private let task = Guarded<Task<Void, Never>?>(nil)
    private let interval: Duration

    /// Messages read from a target the first time: its newest this many.
    static let backlog = 500
    /// The most messages asked for in one read.
    static let pageLimit = 500
    /// The most reads of one target in one turn (a busy proxy is caught up page by page).
    static let pagesPerTurn = 4
    /// A target that keeps no messages is asked again after this long (it may be replaced by a proxy).
    static let retryDelay: TimeInterval = 10

    /// A feed that reads every `interval`.
    public init(interval: Duration = .milliseconds(500)) {
        self.interval = interval
    }

    deinit {
        task.withLock { $0?.cancel() }
    }

    /// Starts reading the logs of `watcher`'s targets, unless it reads already.
    func start(watcher: TargetWatcher) {
        task.withLock { current in
            guard current == nil else { return }
            let interval = self.interval
            current = Task { [weak self] in
                while !Task.isCancelled {
                    guard let self else { return }
                    await self.turn(watcher.targets.filter { $0.endedAt == nil })
                    try? await Task.sleep(for: interval)
                }
            }
        }
    }

    /// Stops reading; the messages read stay, and the next start goes on from where the reads ended.
    func stop() {
        task.withLock { current in
            current?.cancel()
            current = nil
        }
    }

    /// What was read since the last take, if anything: the screen applies it to its own list (which stays
    /// the only copy, so adding to it copies nothing).
    func take() -> MessageDelta? {
        shared.withLock { shared in
            guard !shared.delta.isEmpty else { return nil }
            defer { shared.delta = MessageDelta() }
            return shared.delta
        }
    }

    /// One read of every target, at once; their new messages are added together, in time order.
    func turn(_ entries: [TargetWatcher.Entry]) async {
        let cursors = shared.withLock { $0.cursors }
        let now = Date()
        let results = await withTaskGroup(of: (Int, Read).self) { group in
            for (index, entry) in entries.enumerated() {
                let cursor = cursors[entry.id] ?? Cursor()
                guard cursor.retryAt <= now else { continue }
                group.addTask { (index, await Self.read(entry, cursor: cursor)) }
            }
            var results: [Int: Read] = [:]
            for await (index, read) in group { results[index] = read }
            return results
        }
        shared.withLock { shared in
            var sources: [MessageSource] = []
            var added: [MessageRow] = []
            for (index, entry) in entries.enumerated() {
                let previous = shared.sources.first { $0.target == entry.id }
                var source =
                    previous ?? MessageSource(target: entry.id, server: entry.name ?? entry.id, capture: nil)
                if let read = results[index] {
                    shared.cursors[entry.id] = read.cursor
                    source.problem = read.problem
                    source.brief = read.brief
                    if let page = read.pages.last {
                        source.capture = page.capture
                        if !page.server.isEmpty { source.server = page.server }
                    }
                    for page in read.pages {
                        for message in page.messages {
                            let row = MessageRow(target: entry.id, server: source.server, entry: message)
                            if message.seq <= read.reread ?? 0 {
                                shared.delta.replaced.append(row)
                            } else {
                                added.append(row)
                            }
                        }
                    }
                }
                sources.append(source)
            }
            added.sort { $0.entry.time < $1.entry.time }
            shared.delta.added += added
            // While the screen is paused nothing is taken: what it could not show is forgotten, and counted.
            let excess = shared.delta.added.count - MessageList.capacity
            if excess > 0 {
                shared.delta.added.removeFirst(excess)
                shared.delta.dropped += excess
            }
            if sources != shared.sources {
                shared.sources = sources
                shared.delta.sources = sources
            }
        }
    }

    /// What one read of one target brought.
    private struct Read: Sendable {
        var pages: [MessagesPage] = []
        /// Messages up to this number were read before: they replace their rows.
        var reread: Int?
        var cursor: Cursor
        var problem: String?
        var brief: String?
    }

    private static func read(_ entry: TargetWatcher.Entry, cursor start: Cursor) async -> Read {
        var cursor = start
        var read = Read(cursor: cursor)
        do {
            var after: Int
            if let known = cursor.after {
                after = known
            } else {
                // The first read: the newest messages, not the oldest the proxy still keeps.
                let head = try await entry.backend.messages(after: 0, limit: 1)
                after = max(0, head.last - backlog)
            }
            if let from = cursor.rereadFrom, from - 1 < after {
                read.reread = after
                after = from - 1
            }
            let newest = cursor.after ?? after
            cursor.rereadFrom = nil
            for _ in 0..<pagesPerTurn {
                let page = try await entry.backend.messages(after: after, limit: pageLimit)
                if page.last < after {
                    // The proxy started again: its numbers began anew.
                    read.reread = nil
                    after = 0
                    continue
                }
                read.pages.append(page)
                let fresh = page.messages.filter { $0.seq > newest }
                if cursor.rereadFrom == nil,
                    let pending = fresh.first(where: {
                        ($0.kind == "result" || $0.kind == "error") && $0.outcome == nil
                    })
                {
                    cursor.rereadFrom = pending.seq
                }
                after = max(after, page.messages.last?.seq ?? page.last)
                if page.messages.count < pageLimit { break }
            }
            cursor.after = after
            read.cursor = cursor
        } catch let unavailable as MessagesUnavailable {
            if unavailable.isPermanent { cursor.retryAt = Date().addingTimeInterval(retryDelay) }
            read.cursor = cursor
            read.problem = unavailable.description
            read.brief = unavailable.brief
        } catch {
            read.cursor = cursor
            read.problem = "\(error)"
            read.brief = "failed"
        }
        return read
    }
}
