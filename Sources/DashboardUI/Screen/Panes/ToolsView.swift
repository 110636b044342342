import Foundation
import MetricsWire

/// Every watched server's tools over the panes (`t`): per server its tools with their size in a model's
/// context, calls and last change, then the changes themselves — a rewritten description old and new side
/// by side — the risky ones marked until acknowledged (`a`). Scrolls; Esc returns.
struct ToolsView {
    let state: DashboardState
    let theme: Theme

    /// A line of the view: runs of text, each with its style.
    typealias Line = [(String, Style)]

    /// Rows above the text: the title.
    static let chrome = 1

    /// The text's rows in `body`.
    static func textRows(in body: Rect) -> Int { max(1, body.height - chrome) }

    /// Draws the view into `rect`, its `lines` from `offset`.
    func draw(in rect: Rect, lines: [Line], offset: Int, grid: inout ScreenGrid) {
        let risky = state.unacknowledgedRisky
        let rows = Self.textRows(in: rect)
        PaneChrome.title(
            "Tools",
            detail: (risky > 0 ? "\(risky) risky change\(risky == 1 ? "" : "s") · a acknowledges · " : "") + "Esc back",
            position: PaneChrome.position(offset: offset, visible: rows, total: lines.count),
            focused: true,
            in: rect,
            grid: &grid,
            theme: theme
        )
        for line in 0..<rows where offset + line < lines.count {
            _ = grid.write(
                lines[offset + line],
                x: rect.x + 1,
                y: rect.y + Self.chrome + line,
                maxWidth: rect.width - 3
            )
        }
        PaneChrome.scrollbar(
            x: rect.maxX - 1,
            y: rect.y + Self.chrome,
            height: rows,
            offset: offset,
            visible: rows,
            total: lines.count,
            grid: &grid,
            theme: theme
        )
    }

    /// The view's lines on a screen `width` columns wide.
    func lines(width: Int) -> [Line] {
        let surfaces = state.surfaces
        guard !surfaces.isEmpty else {
            return [
                [
                    (
                        "no tool list seen yet: a proxy shows its server's tools once a client lists them (tools/list)",
                        theme.dim
                    )
                ]
            ]
        }
        var lines: [Line] = []
        for (index, (target, surface)) in surfaces.enumerated() {
            if index > 0 { lines.append([]) }
            lines += server(target, surface, width: width - 3)
        }
        return lines
    }

    private func server(_ target: TargetView, _ surface: ToolSurfaceMetrics, width: Int) -> [Line] {
        let ack = state.ui.acknowledged[target.id]
        func isNew(_ change: ToolSurfaceChange) -> Bool { ack?.covers(seq: change.seq, time: change.time) != true }
        let count = surface.changeCounts.values.reduce(0, +)
        let fresh = surface.changes.filter { $0.risky && isNew($0) }.count
        let name = surface.tools.isEmpty && target.snapshot?.mcp == nil ? target.name : HeaderPane.label(target)
        var lines: [Line] = [
            [
                (fresh > 0 ? "⚠ " : "", theme.style(.critical)),
                (name, theme.title),
                (
                    "  \(surface.tools.count) tool\(surface.tools.count == 1 ? "" : "s") · "
                        + "\(Format.bytes(surface.definitionsBytes)) ≈ \(Format.count(surface.definitionsBytes / 4)) tokens"
                        + " of context · \(surface.lists) list\(surface.lists == 1 ? "" : "s") · "
                        + "\(count) change\(count == 1 ? "" : "s")"
                        + (surface.riskyChanges > 0 ? " (\(surface.riskyChanges) risky, \(fresh) new)" : ""),
                    theme.dim
                ),
            ]
        ]
        let nameWidth = min(32, max(8, surface.tools.reduce(4) { max($0, DisplayWidth.of($1.name)) }))
        func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
            let cut = DisplayWidth.truncate(text, to: width)
            let space = String(repeating: " ", count: max(0, width - DisplayWidth.of(cut)))
            return right ? space + cut : cut + space
        }
        lines.append([
            (
                "  " + pad("tool", nameWidth) + " " + pad("size", 9, right: true) + " " + pad("calls", 8, right: true)
                    + "  " + pad("listed", 8) + "  last change", theme.columnHeader
            )
        ])
        for tool in surface.tools {
            let calls = target.snapshot?.toolMetrics[tool.name]?.totalCalls ?? 0
            var line: Line = [
                (
                    "  " + pad(tool.name, nameWidth) + " " + pad(Format.bytes(tool.bytes), 9, right: true) + " "
                        + pad(Format.count(calls), 8, right: true) + "  "
                        + pad(state.clockZone.clock(Date(timeIntervalSince1970: tool.since)), 8) + "  ",
                    theme.text
                )
            ]
            if let change = surface.changes.first(where: { $0.tool == tool.name }) {
                line.append(
                    (
                        (change.risky ? "⚠ " : "") + change.change + " "
                            + state.clockZone.clock(Date(timeIntervalSince1970: change.time)),
                        change.risky ? theme.style(isNew(change) ? .critical : .warning) : theme.dim
                    )
                )
            }
            lines.append(line)
        }
        guard !surface.changes.isEmpty else { return lines }
        lines.append([("  changes, newest first", theme.columnHeader)])
        for change in surface.changes {
            lines.append([
                ("  " + state.clockZone.clock(Date(timeIntervalSince1970: change.time)) + " ", theme.dim),
                (
                    change.risky ? (isNew(change) ? "⚠ risky " : "⚠ risky, seen ") : "",
                    theme.style(change.risky && isNew(change) ? .critical : .warning)
                ),
                (change.tool + " ", theme.title),
                (change.change, theme.text),
            ])
            lines += detail(change, width: width)
        }
        return lines
    }

    /// What changed, under the change: a description's old and new text side by side, annotations as before
    /// → after.
    private func detail(_ change: ToolSurfaceChange, width: Int) -> [Line] {
        switch change.change {
        case ToolChangeKind.description.rawValue:
            let column = max(10, (width - 9) / 2)
            let before = WordWrap.lines("was: " + (change.before ?? ""), width: column)
            let after = WordWrap.lines("now: " + (change.after ?? ""), width: column)
            return (0..<max(before.count, after.count)).map { row in
                let left = row < before.count ? before[row] : ""
                let padded = left + String(repeating: " ", count: max(0, column - DisplayWidth.of(left)))
                return [
                    ("    " + padded, theme.dim), (" │ ", theme.rule),
                    (row < after.count ? after[row] : "", theme.text),
                ]
            }
        case ToolChangeKind.annotations.rawValue:
            return WordWrap.lines("\(change.before ?? "{}") → \(change.after ?? "{}")", width: width - 4).map {
                [("    " + $0, theme.dim)]
            }
        case ToolChangeKind.added.rawValue, ToolChangeKind.removed.rawValue:
            let text = change.change == ToolChangeKind.added.rawValue ? change.after : change.before
            return text.map { WordWrap.lines($0, width: width - 4).map { [("    " + $0, theme.dim)] } } ?? []
        default:
            return []
        }
    }
}
