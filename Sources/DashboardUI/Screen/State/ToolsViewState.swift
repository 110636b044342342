/// How far a view of lines (one message, the Tools view) is scrolled: the keys ask for moves, each frame
/// makes them within the lines it has.
struct LineScroll: Sendable, Equatable {
    /// The first line shown.
    var offset = 0
    /// Lines to scroll by at the next frame: the keys add to it.
    var pendingMove = 0
    /// Lines a page key scrolls; set each frame.
    var pageSize = 10

    /// Asks for a move of `lines` lines (overflow-safe: Home and End ask for the most there is).
    mutating func move(by lines: Int) {
        pendingMove = pendingMove.addingReportingOverflow(lines).overflow ? lines : pendingMove + lines
    }

    /// Makes the moves asked for over `lines` lines, `visible` on screen.
    mutating func resolve(lines: Int, visible: Int) {
        pageSize = max(1, visible - 1)
        let limit = max(0, lines - visible)
        let (sum, overflow) = offset.addingReportingOverflow(pendingMove)
        offset = overflow ? (pendingMove > 0 ? limit : 0) : min(max(0, sum), limit)
        pendingMove = 0
    }
}

/// The Tools view (`t`): how far it is scrolled. Which risky changes were acknowledged (`a`) is kept in
/// ``UIState/acknowledged``, so the header's badge stays quiet after the view closes.
struct ToolsViewState: Sendable, Equatable {
    var scroll = LineScroll()
}

/// The newest risky change the user acknowledged on one target: changes after it (a higher number, or a
/// later time once its proxy started again and numbered afresh) raise the badge again.
struct Acknowledgement: Sendable, Equatable {
    var seq: Int
    var time: Double

    /// Whether `change` is covered.
    func covers(seq: Int, time: Double) -> Bool { seq <= self.seq && time <= self.time }
}
