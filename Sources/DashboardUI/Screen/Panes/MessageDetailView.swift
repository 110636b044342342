import Foundation
import MetricsWire

/// One message whole, over the panes (Enter in Messages): what the proxy knows of it, then its payload
/// pretty-printed when the proxy captured it, else how to have it captured. Scrolls; Esc returns.
struct MessageDetailView {
    let state: DashboardState
    let key: MessageKey
    let theme: Theme

    /// Rows above the text: the title.
    static let chrome = 1

    /// The text's rows in `body`.
    static func textRows(in body: Rect) -> Int { max(1, body.height - chrome) }

    /// The lines shown for `row` on a view `width` columns wide.
    static func lines(_ row: MessageRow?, width: Int, clockZone: ClockZone) -> [String] {
        guard let row else {
            return ["this message is no longer kept: the list keeps the newest \(MessageList.capacity)"]
        }
        let entry = row.entry
        let room = max(10, width - 3)
        let date = Date(timeIntervalSince1970: entry.time)
        let millis = String(String(Int((entry.time * 1000).rounded(.down)) % 1000 + 1000).dropFirst())
        var facts = [
            "\(clockZone.clock(date)).\(millis)",
            entry.direction == .clientToServer ? "client → server" : "server → client",
            entry.kind,
        ]
        if let method = entry.method { facts.append(method) }
        if let tool = entry.tool { facts.append("tool \(tool)") }
        if let id = entry.id { facts.append("id \(id)") }
        facts.append(entry.bytes.map(Format.bytes) ?? "size not counted (too long to read)")
        if let latency = entry.latencyMs { facts.append("latency \(Format.latency(latency))") }
        if let outcome = entry.outcome { facts.append("outcome \(outcome)") }
        var lines = WordWrap.lines(facts.joined(separator: " · "), width: room, separator: " · ")
        if let session = entry.session { lines.append("session \(session)") }
        lines.append("")
        guard let payload = entry.payload else {
            let note = [
                "The payload was not kept: the proxy of \(row.server) keeps what each message was, not what it said.",
                "Start it with --capture to keep payloads (up to 64 KiB each, secret-looking values redacted):",
                "  dashboard proxy --capture … -- COMMAND",
            ]
            return lines + note.flatMap { WordWrap.lines($0, width: room) }
        }
        if let pretty = PrettyJSON.lines(payload) {
            return lines + PrettyJSON.wrap(pretty, width: room)
        }
        lines.append(
            entry.truncated == true
                ? "The payload was cut at \(Format.bytes(MessageEntry.maxPayloadBytes)) and is not whole JSON; as kept:"
                : "The payload is not JSON; as kept:"
        )
        return lines
            + PrettyJSON.wrap(
                payload.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                width: room
            )
    }

    /// Draws the view into `rect`, from line `offset`.
    func draw(in rect: Rect, lines: [String], offset: Int, grid: inout ScreenGrid) {
        let row = state.messages.row(key)
        let title =
            row.map { ($0.entry.direction == .clientToServer ? "→ " : "← ") + ($0.entry.method ?? $0.entry.kind) }
            ?? "Message"
        let rows = Self.textRows(in: rect)
        PaneChrome.title(
            title,
            detail: "\(row?.server ?? key.target) · #\(key.seq) · Esc back",
            position: PaneChrome.position(offset: offset, visible: rows, total: lines.count),
            focused: true,
            in: rect,
            grid: &grid,
            theme: theme
        )
        let payloadStart = (lines.firstIndex(of: "") ?? -1) + 1
        for line in 0..<rows {
            let index = offset + line
            guard index < lines.count else { break }
            let style = index < payloadStart ? theme.title : row?.entry.payload == nil ? theme.dim : theme.text
            grid.write(
                lines[index],
                x: rect.x + 1,
                y: rect.y + Self.chrome + line,
                maxWidth: rect.width - 3,
                style: style
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
}
