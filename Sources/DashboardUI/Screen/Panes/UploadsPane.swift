import MetricsClient
import MetricsWire

/// Upload progress: a bar per file in flight, then recent results, or a hint to start a test upload.
struct UploadsPane {
    let state: DashboardState
    let list: UploadList
    let theme: Theme

    /// The target whose uploads are shown.
    private var target: TargetView? { state.uploadTarget }

    /// Draws the pane into `rect`.
    func draw(in rect: Rect, grid: inout ScreenGrid) {
        let visible = max(0, rect.height - DashboardLayout.uploadsChrome)
        let total = list.lineCount
        let offset = min(max(0, state.ui.scroll.uploads), max(0, total - visible))
        PaneChrome.title(
            "Uploads",
            detail: summary,
            position: PaneChrome.position(offset: offset, visible: visible, total: total),
            focused: state.ui.focus == .uploads,
            in: rect,
            grid: &grid,
            theme: theme
        )
        guard visible > 0 else { return }
        let names = (list.active + list.finished).reduce(8) { max($0, DisplayWidth.of($1.file)) }
        let width = rect.width - 3
        let nameWidth = min(names, 32, max(8, (width - 46) / 2))
        var line = 0
        func emit(_ draw: (Int) -> Void) {
            defer { line += 1 }
            guard line >= offset, line < offset + visible else { return }
            draw(rect.y + 1 + line - offset)
        }
        if list.isIdle {
            let hasUploader = target?.snapshot == nil || target?.snapshot?.uploadMetrics != nil
            emit { y in
                let hint =
                    list.finished.isEmpty
                    ? "idle · press u to start a test upload" : "finished · press u to start another test upload"
                grid.write(
                    hasUploader ? hint : "this engine does not upload files",
                    x: rect.x + 1,
                    y: y,
                    maxWidth: width,
                    style: theme.dim
                )
            }
        }
        for record in list.active {
            emit { y in drawActive(record, nameWidth: nameWidth, x: rect.x + 1, y: y, width: width, grid: &grid) }
        }
        for record in list.finished {
            emit { y in drawFinished(record, nameWidth: nameWidth, x: rect.x + 1, y: y, width: width, grid: &grid) }
        }
        PaneChrome.scrollbar(
            x: rect.maxX - 1,
            y: rect.y + 1,
            height: visible,
            offset: offset,
            visible: visible,
            total: total,
            grid: &grid,
            theme: theme
        )
    }

    private var summary: String {
        guard let metrics = target?.snapshot?.uploadMetrics else {
            return target?.snapshot == nil ? "" : "no uploader on this engine"
        }
        var parts = ["\(metrics.inFlight) in flight"]
        if metrics.queued > 0 { parts.append("\(metrics.queued) queued") }
        parts.append("\(metrics.completed) done")
        if metrics.cached > 0 { parts.append("\(metrics.cached) cached") }
        if metrics.failed > 0 { parts.append("\(metrics.failed) failed") }
        parts.append("\(Format.bytes(metrics.bytesSent)) sent")
        parts.append("max \(metrics.maxParallel) parallel")
        return parts.joined(separator: " · ")
    }

    private func drawActive(_ record: UploadRecord, nameWidth: Int, x: Int, y: Int, width: Int, grid: inout ScreenGrid)
    {
        let fraction = record.bytesTotal > 0 ? Double(record.bytesSent) / Double(record.bytesTotal) : 0
        let barWidth = max(4, min(40, width - nameWidth - 47))
        var column = x
        grid.write(record.file, x: column, y: y, width: nameWidth, alignment: .left)
        column += nameWidth + 1
        grid.bar(
            fraction: fraction,
            x: column,
            y: y,
            width: barWidth,
            style: theme.statusInfo,
            emptyStyle: theme.barEmpty
        )
        column += barWidth + 1
        grid.write(Format.fixed(fraction * 100, decimals: 0) + "%", x: column, y: y, width: 4, alignment: .right)
        column += 5
        grid.write(
            Self.progress(sent: record.bytesSent, total: record.bytesTotal),
            x: column,
            y: y,
            width: 17,
            alignment: .right
        )
        column += 18
        // Every byte is written (into socket buffers); the provider is still reading or answering.
        let awaiting = record.state == .uploading && record.bytesTotal > 0 && record.bytesSent >= record.bytesTotal
        let rate = awaiting ? "awaiting" : target?.uploadRates[record.id].map(Format.bytesPerSecond) ?? "–"
        grid.write(rate, x: column, y: y, width: 11, alignment: .right, style: theme.dim)
        column += 12
        grid.write(record.state.rawValue, x: column, y: y, maxWidth: x + width - column, style: theme.statusInfo)
    }

    private func drawFinished(
        _ record: UploadRecord,
        nameWidth: Int,
        x: Int,
        y: Int,
        width: Int,
        grid: inout ScreenGrid
    ) {
        let (symbol, level): (String, Theme.Level) =
            switch record.state {
            case .done: ("✓", .good)
            case .cached: ("↺", .good)
            case .skipped: ("–", .warning)
            default: ("✗", .critical)
            }
        var column = grid.write("\(symbol) \(record.state)", x: x, y: y, maxWidth: 10, style: theme.style(level))
        column = x + 10
        grid.write(record.file, x: column, y: y, width: nameWidth, alignment: .left)
        column += nameWidth + 1
        grid.write(Format.bytes(record.bytesTotal), x: column, y: y, width: 9, alignment: .right, style: theme.dim)
        column += 10
        // How long the file took, from the first work on it (hashing) to its answer.
        let took = record.startedAt.flatMap { started in record.finishedAt.map { Format.latency(($0 - started) * 1000) }
        }
        grid.write(took ?? "–", x: column, y: y, width: 7, alignment: .right, style: theme.dim)
        column += 9
        let detail: String
        if let error = record.error, !error.isEmpty {
            detail = error
        } else {
            detail = record.fileID ?? ""
        }
        let detailStyle = record.error == nil ? theme.dim : theme.style(level)
        grid.write(detail, x: column, y: y, maxWidth: x + width - column, style: detailStyle)
    }

    /// "sent/total unit" in the unit of the total: `4.50/10.0 MB`.
    static func progress(sent: Int, total: Int) -> String {
        let totalText = Format.bytes(total)
        guard let space = totalText.lastIndex(of: " ") else { return totalText }
        let unit = totalText[totalText.index(after: space)...]
        let divisor: Double =
            switch unit {
            case "kB": 1e3
            case "MB": 1e6
            case "GB": 1e9
            default: 1
            }
        let sentValue = Double(sent) / divisor
        let decimals = divisor == 1 ? 0 : sentValue < 9.995 ? 2 : sentValue < 99.95 ? 1 : 0
        return Format.fixed(sentValue, decimals: decimals) + "/" + totalText
    }
}
