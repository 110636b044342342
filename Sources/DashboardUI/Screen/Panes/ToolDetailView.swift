import Foundation
import MetricsClient
import MetricsWire

/// One tool up close, over the panes: its figures, the latency distribution of its window as a histogram,
/// p50/p95/p99 over the last minutes as a chart, calls and errors over time, its error types, its last
/// failures and the annotations its server declared. Esc returns.
struct ToolDetailView {
    let state: DashboardState
    let key: ToolKey
    let theme: Theme

    /// Draws the view into `rect` (the body between header and status line).
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        let target = state.target(key.target)
        let metrics = target?.snapshot?.toolMetrics[key.tool]
        let server = target.map { HeaderPane.label($0) } ?? key.target
        PaneChrome.title(
            key.tool,
            detail: "on \(server) · Esc back",
            focused: true,
            in: rect,
            grid: &grid,
            theme: theme
        )
        guard let target, let metrics else {
            grid.write(
                "\(key.tool) is no longer reported by \(server)",
                x: rect.x + 1,
                y: rect.y + 1,
                maxWidth: rect.width - 2,
                style: theme.dim
            )
            return
        }
        let history = target.history[key.tool] ?? ToolHistory()
        var y = rect.y + 1
        for line in summary(metrics, target: target) where y < rect.maxY {
            grid.write(line, x: rect.x + 1, y: y, maxWidth: rect.width - 2)
            y += 1
        }
        let lower = Rect(x: rect.x, y: y, width: rect.width, height: max(0, rect.maxY - y))
        guard lower.height > 2 else { return }
        if rect.width >= 110 {
            let (left, right) = lower.splitLeft(rect.width / 2 - 1, gap: 2)
            let (histogram, failures) = left.splitTop(min(histogramRows(metrics), left.height / 2))
            drawHistogram(metrics, in: histogram, grid: &grid)
            drawErrors(metrics, target: target, in: failures, annotations: false, grid: &grid)
            let (chart, belowChart) = right.splitTop(min(21, max(3, right.height - 4)))
            drawChart(history, in: chart, grid: &grid)
            let (trends, annotations) = belowChart.splitTop(2)
            drawTrends(history, in: trends, grid: &grid)
            drawAnnotations(target, in: annotations.splitTop(1).rest, grid: &grid)
        } else {
            let (histogram, rest) = lower.splitTop(min(histogramRows(metrics), max(3, lower.height / 3)))
            drawHistogram(metrics, in: histogram, grid: &grid)
            let (chart, belowChart) = rest.splitTop(min(11, max(3, rest.height / 2)))
            drawChart(history, in: chart, grid: &grid)
            let (trends, errors) = belowChart.splitTop(2)
            drawTrends(history, in: trends, grid: &grid)
            drawErrors(metrics, target: target, in: errors, annotations: true, grid: &grid)
        }
    }

    /// The histogram's rows: its title and a bar per bucket (or one line saying why there is none).
    private func histogramRows(_ metrics: ToolMetrics) -> Int {
        1 + max(1, metricsBuckets(metrics).count)
    }

    private func summary(_ metrics: ToolMetrics, target: TargetView) -> [String] {
        let rate = target.callRates[key.tool].map { Format.rate($0) + " calls/s" } ?? "– calls/s"
        let window = metrics.windowSamples.map { " · window of \(Format.count($0)) calls" } ?? ""
        var lines = [
            "\(Format.count(metrics.totalCalls)) calls · \(Format.count(metrics.failedCalls)) failed "
                + "(\(Format.percent(metrics.successRate)) ok) · \(rate) over \(Format.seconds(state.rateWindow))\(window)",
            "window p50 \(Format.latency(metrics.p50LatencyMs)) · p95 \(Format.latency(metrics.p95LatencyMs)) · "
                + "p99 \(Format.latency(metrics.p99LatencyMs)) · "
                // A fleet's histograms know buckets, not calls: no minimum, and the maximum is a bucket's bound.
                + (target.origin == .fleet
                    ? "max ≤ \(Format.latency(metrics.maxLatencyMs)) (its bucket's bound) · across every instance · "
                    : "min \(Format.latency(metrics.minLatencyMs)) · max \(Format.latency(metrics.maxLatencyMs)) · ")
                + "mean \(Format.latency(metrics.avgLatencyMs))",
        ]
        if let rounds = metrics.rounds { lines.append(rounds.summary(totalCalls: metrics.totalCalls)) }
        if let lifetime = metrics.lifetime {
            lines.append(
                "lifetime p50 \(Format.latency(lifetime.p50Ms)) · p95 \(Format.latency(lifetime.p95Ms)) · "
                    + "p99 \(Format.latency(lifetime.p99Ms)) · p99.9 \(Format.latency(lifetime.p999Ms))"
            )
        }
        return lines
    }

    /// The buckets from the first to the last that counted a call.
    private func metricsBuckets(_ metrics: ToolMetrics) -> [(label: String, count: Int)] {
        guard let histogram = metrics.windowHistogram, histogram.isWellFormed,
            let first = histogram.counts.firstIndex(where: { $0 > 0 }),
            let last = histogram.counts.lastIndex(where: { $0 > 0 })
        else { return [] }
        return (first...last).map { index in
            let label =
                index < histogram.upperBoundsMs.count
                ? "≤ " + Format.latency(histogram.upperBoundsMs[index])
                : "> " + Format.latency(histogram.upperBoundsMs.last ?? 0)
            return (label, histogram.counts[index])
        }
    }

    private func drawHistogram(_ metrics: ToolMetrics, in rect: Rect, grid: inout ScreenGrid) {
        guard rect.height > 0 else { return }
        grid.write(
            "Latency distribution of the window",
            x: rect.x + 1,
            y: rect.y,
            maxWidth: rect.width - 2,
            style: theme.title
        )
        let buckets = metricsBuckets(metrics)
        if buckets.isEmpty {
            let message =
                metrics.windowHistogram == nil ? "this server sends no latency distribution" : "no calls in the window"
            grid.write(message, x: rect.x + 1, y: rect.y + 1, maxWidth: rect.width - 2, style: theme.dim)
            return
        }
        let peak = max(1, buckets.map(\.count).max() ?? 1)
        let labelWidth = buckets.reduce(0) { max($0, DisplayWidth.of($1.label)) }
        let barWidth = max(4, rect.width - labelWidth - 12)
        let shown = buckets.prefix(rect.height - 1)
        for (line, bucket) in shown.enumerated() {
            let y = rect.y + 1 + line
            grid.write(bucket.label, x: rect.x + 1, y: y, width: labelWidth, alignment: .right, style: theme.dim)
            grid.bar(
                fraction: Double(bucket.count) / Double(peak),
                x: rect.x + 2 + labelWidth,
                y: y,
                width: barWidth,
                style: theme.statusInfo,
                emptyStyle: Style.plain
            )
            grid.write(Format.count(bucket.count), x: rect.x + 3 + labelWidth + barWidth, y: y, maxWidth: 8)
        }
    }

    private func drawChart(_ history: ToolHistory, in rect: Rect, grid: inout ScreenGrid) {
        guard rect.height > 1 else { return }
        let span = (history.time.last ?? 0) - (history.time.first ?? 0)
        let title = "p50 █ · p95 ▓ · p99 ░ over the last \(Format.seconds(max(span, 0)))"
        grid.write(title, x: rect.x + 1, y: rect.y, maxWidth: rect.width - 2, style: theme.title)
        BandChart.draw(
            p50: history.p50,
            p95: history.p95,
            p99: history.p99,
            in: Rect(x: rect.x + 1, y: rect.y + 1, width: rect.width - 2, height: rect.height - 1),
            styles: [theme.statusInfo, theme.style(.warning), theme.dim],
            labelStyle: theme.dim,
            grid: &grid
        )
    }

    private func drawTrends(_ history: ToolHistory, in rect: Rect, grid: inout ScreenGrid) {
        guard rect.height > 0 else { return }
        let calls = ToolHistory.increments(history.calls)
        let errors = ToolHistory.increments(history.failed)
        let lines: [(String, [Double], Style)] = [
            ("calls/poll", calls, theme.statusInfo), ("errors/poll", errors, theme.style(.critical)),
        ]
        for (index, (label, values, style)) in lines.enumerated() where index < rect.height {
            let y = rect.y + index
            grid.write(label, x: rect.x + 1, y: y, width: 12, alignment: .left, style: theme.dim)
            let total = values.reduce(0, +)
            let text = Format.count(Int(total))
            grid.sparkline(values, x: rect.x + 14, y: y, width: max(0, rect.width - 24), style: style)
            grid.write(text, x: rect.maxX - 9, y: y, width: 8, alignment: .right, style: theme.dim)
        }
    }

    private func drawErrors(
        _ metrics: ToolMetrics,
        target: TargetView,
        in rect: Rect,
        annotations: Bool,
        grid: inout ScreenGrid
    ) {
        guard rect.height > 0 else { return }
        var y = rect.y
        let types = metrics.errorTypes.filter { $0.value > 0 }.sorted {
            $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key
        }
        let typeText =
            types.isEmpty ? "no errors" : types.map { "\($0.key) \(Format.count($0.value))" }.joined(separator: " · ")
        grid.write("Errors", x: rect.x + 1, y: y, style: theme.title)
        grid.write(
            typeText,
            x: rect.x + 9,
            y: y,
            maxWidth: rect.width - 10,
            style: types.isEmpty ? theme.dim : theme.text
        )
        y += 1
        let failures = (target.snapshot?.mcp?.recentFailures ?? []).filter { $0.tool == key.tool }.reversed()
        for failure in failures where y < rect.maxY {
            var x =
                grid.write(
                    state.clockZone.clock(Date(timeIntervalSince1970: failure.time)),
                    x: rect.x + 1,
                    y: y,
                    style: theme.dim
                ) + 1
            x = grid.write(failure.errorType, x: x, y: y, maxWidth: 20, style: theme.style(.warning)) + 1
            grid.write(failure.message, x: x, y: y, maxWidth: rect.maxX - x - 1)
            y += 1
        }
        if annotations, y < rect.maxY {
            drawAnnotations(target, in: Rect(x: rect.x, y: y, width: rect.width, height: rect.maxY - y), grid: &grid)
        }
    }

    private func drawAnnotations(_ target: TargetView, in rect: Rect, grid: inout ScreenGrid) {
        guard rect.height > 0, let annotations = target.snapshot?.mcp?.toolAnnotations[key.tool] else { return }
        var hints: [String] = []
        if let title = annotations.title { hints.append("title \"\(title)\"") }
        func flag(_ value: Bool?, _ name: String) {
            if let value { hints.append(value ? name : "not \(name)") }
        }
        flag(annotations.readOnlyHint, "read-only")
        flag(annotations.destructiveHint, "destructive")
        flag(annotations.idempotentHint, "idempotent")
        flag(annotations.openWorldHint, "open-world")
        let text =
            "Hints the server declares (unverified): "
            + (hints.isEmpty ? "none" : hints.joined(separator: " · "))
        grid.write(text, x: rect.x + 1, y: rect.y, maxWidth: rect.width - 2, style: theme.dim)
    }
}
