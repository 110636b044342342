import MetricsWire

/// What the keys changed in the Messages view (`m`): its filter, the highlighted message, the one opened.
///
/// The keys only ask for moves (``pendingMove``); each frame resolves them against the rows it shows, so
/// the highlight stays on its message while new ones arrive and old ones are forgotten.
struct MessagesViewState: Sendable, Equatable {
    /// The applied filter: only messages whose server, direction, kind, method, tool, id and outcome hold
    /// each of its words (ignoring case) are listed.
    var filter = ""
    /// The highlighted message; nil follows the newest.
    var selected: MessageKey?
    /// The highlighted row's message in the last frame (what Enter opens, also while following).
    var highlighted: MessageKey?
    /// The highlighted row's index among the rows shown in the last frame.
    var index = 0
    /// Rows to move the highlight by at the next frame: the keys add to it.
    var pendingMove = 0
    /// Enter was pressed: the next frame opens the highlighted message, once the moves before it are made.
    var isOpening = false
    /// The first row shown.
    var offset = 0
    /// Rows a page key moves; set each frame.
    var pageSize = 10
    /// The message shown whole (Esc returns to the list).
    var opened: MessageKey?
    /// How far the opened message is scrolled.
    var detail = LineScroll()
    /// The opened message's lines as last laid out: a 64 KiB payload takes milliseconds to pretty-print and
    /// wrap, so frames reuse them while the message and the width stay the same.
    var detailLines: DetailLines?

    /// The lines of one message laid out for one width.
    struct DetailLines: Sendable, Equatable {
        var entry: MessageEntry?
        var width: Int
        var lines: [String]
    }

    /// Whether the highlight follows the newest message.
    var isFollowing: Bool { selected == nil }

    /// Whether keys act on one message (open, or opening at the next frame) rather than on the list.
    var isShowingOne: Bool { opened != nil || isOpening }

    /// Moves by `rows` rows, or lines of the message shown.
    mutating func move(by rows: Int) {
        if isShowingOne {
            detail.move(by: rows)
        } else {
            pendingMove = pendingMove.addingReportingOverflow(rows).overflow ? rows : pendingMove + rows
        }
    }

    /// Resolves the keys' moves against the rows listed, `shown` (indices in `rows`, oldest first), with
    /// `visible` rows on screen: keeps the highlight on its message, moves it, and scrolls so that it is seen.
    mutating func resolve(shown: [Int], rows: [MessageRow], visible: Int) {
        pageSize = max(1, visible - 1)
        guard !shown.isEmpty else {
            (index, offset, pendingMove, highlighted, isOpening) = (0, 0, 0, nil, false)
            return
        }
        let last = shown.count - 1
        var row = last
        if let selected {
            row =
                shown.lastIndex { rows[$0].entry.seq == selected.seq && rows[$0].target == selected.target }
                ?? min(index, last)
        }
        if pendingMove != 0 {
            let (sum, overflow) = row.addingReportingOverflow(pendingMove)
            row = overflow ? (pendingMove > 0 ? last : 0) : min(max(0, sum), last)
            // Moving onto the newest message follows again.
            selected = pendingMove > 0 && row == last ? nil : rows[shown[row]].key
            pendingMove = 0
        } else if selected != nil {
            selected = rows[shown[row]].key
        }
        index = row
        highlighted = rows[shown[row]].key
        let rows = max(1, visible)
        if isFollowing {
            offset = max(0, shown.count - rows)
        } else if row < offset {
            offset = row
        } else if row >= offset + rows {
            offset = row - rows + 1
        }
        offset = min(max(0, offset), max(0, shown.count - rows))
        if isOpening {
            opened = highlighted
            detail = LineScroll()
            isOpening = false
        }
    }

}
