import Foundation
import MetricsClient

/// The latency table's rows: the tools of every target, filtered and sorted as the user asked.
enum ToolTable {
    /// The tools of every target whose name (or server's name) contains the applied filter (ignoring
    /// case), in the order of `state.ui.sortKey`; ties are broken by name, then server, so rows do not jump
    /// between frames.
    static func rows(for state: DashboardState) -> [ToolRow] {
        let filter = state.ui.filterText
        var rows: [ToolRow] = []
        for target in state.targets {
            guard let snapshot = target.snapshot else { continue }
            rows.reserveCapacity(rows.count + snapshot.toolMetrics.count)
            let serverMatches = state.isMultiTarget && !filter.isEmpty && matches(target.name, filter: filter)
            for (name, metrics) in snapshot.toolMetrics where serverMatches || matches(name, filter: filter) {
                rows.append(ToolRow(metrics, name: name, target: target))
            }
        }
        sort(&rows, by: state.ui.sortKey)
        return rows
    }

    /// Whether `name` passes `filter`: an empty filter passes everything, else a case-insensitive substring.
    static func matches(_ name: String, filter: String) -> Bool {
        filter.isEmpty || name.range(of: filter, options: .caseInsensitive) != nil
    }

    /// Sorts `rows` by `key`: names A to Z, every figure largest first, ties by name and server.
    ///
    /// Sorts positions rather than rows (a row is large, and moving it is most of a sort's time), then puts
    /// the rows in that order once.
    static func sort(_ rows: inout [ToolRow], by key: SortKey) {
        func figure(_ row: ToolRow) -> Double {
            switch key {
            case .name: return 0
            case .calls: return Double(row.calls)
            case .callsPerSecond: return row.callsPerSecond ?? -1
            case .p95: return row.p95
            case .p99: return row.p99
            case .errors: return Double(row.failed)
            }
        }
        let figures = rows.map(figure)
        let unsorted = rows
        let order = unsorted.indices.sorted { left, right in
            if key != .name, figures[left] != figures[right] { return figures[left] > figures[right] }
            if unsorted[left].name != unsorted[right].name { return unsorted[left].name < unsorted[right].name }
            if unsorted[left].server != unsorted[right].server { return unsorted[left].server < unsorted[right].server }
            return unsorted[left].target < unsorted[right].target
        }
        rows = order.map { unsorted[$0] }
    }
}
