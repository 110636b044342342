import MetricsClient
import MetricsWire

/// The errors pane's rows: every (tool, error type) pair with a non-zero count, most frequent first; equal
/// counts in target order, then by tool name, then by type name.
///
/// A frame shows a few of a thousand rows: all of them are counted and measured, but only as many as are
/// asked for are put in order (the rows above the last count shown, and of those at that count, only the
/// first in tie order), so tool and type names are compared for a few dozen rows, not sorted for all.
struct ErrorTable: Sendable {
    /// A row without its server's name: where it comes from, and what it sorts by.
    private struct Entry: Sendable {
        var count: Int
        var target: Int
        var tool: String
        var type: String
        var share: Double
    }

    private let servers: [String]
    private let entries: [Entry]
    /// Calls counted by all rows together.
    let failedCalls: Int
    /// The widest server name of a row, in columns (0 when one target is watched, or without rows).
    let longestServer: Int
    /// The widest tool name of a row, in columns.
    let longestTool: Int
    /// The widest error type of a row, in columns.
    let longestType: Int

    /// The rows of every target of `state`; with one target, rows have no server name.
    init(_ state: DashboardState) {
        if state.isMultiTarget {
            self.init(state.targets.map { ($0.name, $0.snapshot) })
        } else {
            self.init([("", state.primary?.snapshot)])
        }
    }

    /// The rows of `snapshot`, named with `server`.
    init(snapshot: MetricsSnapshot?, server: String = "") {
        self.init([(server, snapshot)])
    }

    private init(_ sources: [(server: String, snapshot: MetricsSnapshot?)]) {
        var entries: [Entry] = []
        var failed = 0
        var longestServer = 0
        var longestTool = 0
        var longestType = 0
        for (target, source) in sources.enumerated() {
            guard let tools = source.snapshot?.toolMetrics else { continue }
            let before = entries.count
            for (tool, metrics) in tools {
                let rowsBefore = entries.count
                for (type, count) in metrics.errorTypes where count > 0 {
                    let share = metrics.totalCalls > 0 ? Double(count) * 100 / Double(metrics.totalCalls) : 0
                    entries.append(Entry(count: count, target: target, tool: tool, type: type, share: share))
                    failed += count
                    longestType = max(longestType, DisplayWidth.of(type))
                }
                if entries.count > rowsBefore { longestTool = max(longestTool, DisplayWidth.of(tool)) }
            }
            if entries.count > before { longestServer = max(longestServer, DisplayWidth.of(source.server)) }
        }
        self.servers = sources.map(\.server)
        self.entries = entries
        self.failedCalls = failed
        self.longestServer = longestServer
        self.longestTool = longestTool
        self.longestType = longestType
    }

    /// How many rows there are.
    var count: Int { entries.count }

    /// Whether there are no rows.
    var isEmpty: Bool { entries.isEmpty }

    /// The rows at `range` of the ordered list (clamped to it).
    func rows(_ range: Range<Int>) -> [ErrorRow] {
        let range = range.clamped(to: 0..<entries.count)
        guard !range.isEmpty else { return [] }
        return leading(range.upperBound)[range].map { entry in
            ErrorRow(
                tool: entry.tool,
                server: servers[entry.target],
                type: entry.type,
                count: entry.count,
                share: entry.share
            )
        }
    }

    /// The first `wanted` entries (1 ... `count`) of the ordered list, in order.
    private func leading(_ wanted: Int) -> [Entry] {
        // Everything above the count of the last row wanted is in; of the rows at that count, the first in
        // tie order: entries are in target order already, so only one target's ties may need sorting.
        var counts = entries.map(\.count)
        counts.sort(by: >)
        let last = counts[wanted - 1]
        var chosen = entries.filter { $0.count > last }
        var ties = entries.filter { $0.count == last }
        var start = 0
        while chosen.count < wanted, start < ties.count {
            var end = start
            while end < ties.count, ties[end].target == ties[start].target { end += 1 }
            let room = wanted - chosen.count
            if end - start > room {
                ties[start..<end].sort(by: Self.precedes)
                end = start + room
            }
            chosen.append(contentsOf: ties[start..<end])
            start = end
        }
        chosen.sort(by: Self.precedes)
        return chosen
    }

    private static func precedes(_ left: Entry, _ right: Entry) -> Bool {
        if left.count != right.count { return left.count > right.count }
        if left.target != right.target { return left.target < right.target }
        if left.tool != right.tool { return left.tool < right.tool }
        return left.type < right.type
    }
}
