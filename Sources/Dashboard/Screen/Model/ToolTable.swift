import Foundation
import MetricsClient

/// The latency table's rows: the snapshot's tools, filtered and sorted as the user asked.
enum ToolTable {
    /// The tools of `state.snapshot` whose name contains the applied filter (ignoring case), in the order
    /// of `state.ui.sortKey`; ties are broken by name so rows do not jump between frames.
    static func rows(for state: DashboardState) -> [ToolRow] {
        guard let snapshot = state.snapshot else { return [] }
        let filter = state.ui.filterText
        var rows: [ToolRow] = []
        rows.reserveCapacity(snapshot.toolMetrics.count)
        for (name, metrics) in snapshot.toolMetrics where matches(name, filter: filter) {
            rows.append(ToolRow(metrics, name: name, state: state))
        }
        sort(&rows, by: state.ui.sortKey)
        return rows
    }

    /// Whether `name` passes `filter`: an empty filter passes everything, else a case-insensitive substring.
    static func matches(_ name: String, filter: String) -> Bool {
        filter.isEmpty || name.range(of: filter, options: .caseInsensitive) != nil
    }

    /// Sorts `rows` by `key`: names A to Z, every figure largest first, ties by name.
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
        rows.sort { lhs, rhs in
            if key != .name {
                let left = figure(lhs)
                let right = figure(rhs)
                if left != right { return left > right }
            }
            return lhs.name < rhs.name
        }
    }
}
