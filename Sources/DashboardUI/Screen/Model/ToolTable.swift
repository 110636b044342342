import Foundation
import MetricsClient
import MetricsWire

/// The latency table's rows: the tools of every target, filtered and sorted as the user asked.
///
/// Sorted once per frame as small entries (a figure, the name and where the tool is); a ``ToolRow`` is
/// made only for a row that is read, so a frame that shows 50 of 400 tools makes 50 rows.
struct ToolTable: RandomAccessCollection, Sendable {
    /// Where a row's tool is, and what it sorts by: numbers only, so that sorting moves no strings.
    private struct Entry: Sendable {
        var figure: Double
        /// The name's place among the rows' names in A-to-Z order.
        var nameRank: Int
        /// The target's place among the targets ordered by name, then id: the tie order after the tool name.
        var targetRank: Int
        var target: Int
        var tool: Dictionary<String, ToolMetrics>.Index
    }

    private let targets: [TargetView]
    private let tools: [[String: ToolMetrics]]
    private let entries: [Entry]
    /// The widest tool name, in columns (0 without rows).
    let longestName: Int
    /// The widest server name of a row, in columns (0 without rows).
    let longestServer: Int

    /// The tools of every target whose name (or server's name) contains the applied filter (ignoring
    /// case), in the order of `state.ui.sortKey`; ties are broken by name, then server, then target id, so
    /// rows do not jump between frames.
    init(_ state: DashboardState) {
        let filter = state.ui.filterText
        let key = state.ui.sortKey
        let targets = state.targets
        let ranks = Self.ranks(targets)
        var tools: [[String: ToolMetrics]] = []
        tools.reserveCapacity(targets.count)
        var entries: [Entry] = []
        entries.reserveCapacity(targets.reduce(0) { $0 + ($1.snapshot?.toolMetrics.count ?? 0) })
        var longestName = 0
        var longestServer = 0
        // Names are numbered as first seen, then renumbered in order: each distinct name is compared once
        // in a sort of the distinct names (targets often share tool names), not in the sort of all rows.
        var nameSlots: [String: Int] = [:]
        var names: [String] = []
        for (position, target) in targets.enumerated() {
            let metrics = target.snapshot?.toolMetrics ?? [:]
            tools.append(metrics)
            let before = entries.count
            let serverMatches = state.isMultiTarget && !filter.isEmpty && Self.matches(target.name, filter: filter)
            var index = metrics.startIndex
            while index != metrics.endIndex {
                let (name, tool) = metrics[index]
                if serverMatches || Self.matches(name, filter: filter) {
                    let figure = Self.figure(tool, name: name, key: key, target: target)
                    let slot = nameSlots[name] ?? names.count
                    if slot == names.count {
                        nameSlots[name] = slot
                        names.append(name)
                        longestName = Swift.max(longestName, DisplayWidth.of(name))
                    }
                    if let rounds = tool.rounds {
                        longestName = Swift.max(longestName, DisplayWidth.of(ToolRow.label(name, rounds: rounds.short)))
                    }
                    entries.append(
                        Entry(
                            figure: figure,
                            nameRank: slot,
                            targetRank: ranks[position],
                            target: position,
                            tool: index
                        )
                    )
                }
                metrics.formIndex(after: &index)
            }
            if entries.count > before { longestServer = Swift.max(longestServer, DisplayWidth.of(target.name)) }
        }
        var nameRanks = [Int](repeating: 0, count: names.count)
        for (rank, slot) in names.indices.sorted(by: { names[$0] < names[$1] }).enumerated() { nameRanks[slot] = rank }
        for index in entries.indices { entries[index].nameRank = nameRanks[entries[index].nameRank] }
        entries.sort { left, right in
            if key != .name, left.figure != right.figure { return left.figure > right.figure }
            if left.nameRank != right.nameRank { return left.nameRank < right.nameRank }
            return left.targetRank < right.targetRank
        }
        self.targets = targets
        self.tools = tools
        self.entries = entries
        self.longestName = longestName
        self.longestServer = longestServer
    }

    /// The rows of `state`, all of them made.
    static func rows(for state: DashboardState) -> [ToolRow] {
        Array(ToolTable(state))
    }

    /// Whether `name` passes `filter`: an empty filter passes everything, else a case-insensitive substring.
    static func matches(_ name: String, filter: String) -> Bool {
        filter.isEmpty || name.range(of: filter, options: .caseInsensitive) != nil
    }

    var startIndex: Int { 0 }
    var endIndex: Int { entries.count }

    /// The row at `position`, made now.
    subscript(position: Int) -> ToolRow {
        let entry = entries[position]
        let (name, metrics) = tools[entry.target][entry.tool]
        return ToolRow(metrics, name: name, target: targets[entry.target])
    }

    /// What `key` sorts by, largest first (names A to Z: no figure).
    private static func figure(_ tool: ToolMetrics, name: String, key: SortKey, target: TargetView) -> Double {
        switch key {
        case .name: return 0
        case .calls: return Double(tool.totalCalls)
        case .callsPerSecond: return target.callRates[name] ?? -1
        case .p95: return tool.p95LatencyMs
        case .p99: return tool.p99LatencyMs
        case .errors: return Double(tool.failedCalls)
        }
    }

    /// Each target's place when ordered by name, then id (ids are unique, so no two share a place).
    private static func ranks(_ targets: [TargetView]) -> [Int] {
        let order = targets.indices.sorted { left, right in
            targets[left].name != targets[right].name
                ? targets[left].name < targets[right].name : targets[left].id < targets[right].id
        }
        var ranks = [Int](repeating: 0, count: targets.count)
        for (rank, index) in order.enumerated() { ranks[index] = rank }
        return ranks
    }
}
