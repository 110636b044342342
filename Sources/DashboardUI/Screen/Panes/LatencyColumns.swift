/// The latency table's columns and where they sit for a given pane width.
struct LatencyColumns: Sendable, Equatable {
    /// One column: its header, position relative to the pane, width and alignment.
    struct Column: Sendable, Equatable {
        var title: String
        var x: Int
        var width: Int
        var alignment: TextAlignment
        /// The sort key this column shows, to mark the header of the sorted column.
        var sortKey: SortKey?
    }

    /// The server column; nil when one target is watched.
    var server: Column?
    var tool: Column
    var calls: Column
    var rate: Column
    var ok: Column
    var p50: Column
    var p95: Column
    var p99: Column
    var max: Column
    var trend: Column

    /// Every column, left to right.
    var all: [Column] { (server.map { [$0] } ?? []) + [tool, calls, rate, ok, p50, p95, p99, max, trend] }

    /// Columns for a pane `width` wide (the last column is kept for the scrollbar) whose longest tool name
    /// is `longestName` columns: the name gets what it needs up to 40 columns, the sparkline the rest up
    /// to 60, and numbers their fixed widths. Columns are one blank apart; the last column of the pane is
    /// kept for the scrollbar, with a blank before it.
    /// A `longestServer` above 0 adds a server column before the tool's, up to 16 columns wide.
    init(width: Int, longestName: Int, longestServer: Int = 0, trend trendName: String = "p95") {
        let numbers = [7, 8, 6, 6, 6, 6, 6]
        let serverWidth =
            longestServer > 0 ? Swift.min(Swift.max(longestServer, 6), 16, Swift.max(6, (width - 56) / 3)) : 0
        let fixed = numbers.reduce(0, +) + 9 + 2 + (serverWidth > 0 ? serverWidth + 1 : 0)
        let flexible = Swift.max(0, width - fixed)
        var toolWidth = Swift.min(Swift.max(longestName, 12), 40, Swift.max(12, flexible - 8))
        let trendWidth = Swift.max(4, Swift.min(60, flexible - toolWidth))
        toolWidth = Swift.max(4, Swift.min(Swift.max(toolWidth, 12), flexible - trendWidth))
        var x = 1
        func next(_ title: String, _ width: Int, _ alignment: TextAlignment, _ key: SortKey?) -> Column {
            defer { x += width + 1 }
            return Column(title: title, x: x, width: width, alignment: alignment, sortKey: key)
        }
        server = serverWidth > 0 ? next("server", serverWidth, .left, nil) : nil
        tool = next("tool", toolWidth, .left, .name)
        calls = next("calls", numbers[0], .right, .calls)
        rate = next("calls/s", numbers[1], .right, .callsPerSecond)
        ok = next("ok%", numbers[2], .right, .errors)
        p50 = next("p50", numbers[3], .right, nil)
        p95 = next("p95", numbers[4], .right, .p95)
        p99 = next("p99", numbers[5], .right, .p99)
        max = next("max", numbers[6], .right, nil)
        let trendTitle = "\(trendName) trend"
        trend = next(trendWidth >= trendTitle.count ? trendTitle : "trend", trendWidth, .left, nil)
    }
}
