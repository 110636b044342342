/// How far each pane can scroll (rows beyond what fits) and how many rows it shows at once.
struct ScrollLimits: Sendable, Equatable {
    /// The largest first-visible-row offset per pane.
    var maxOffset: PaneOffsets
    /// Rows visible per pane less one: the step of Page Up and Page Down.
    var pageSize: PaneOffsets
    /// Rows of the latency table (the selection stays on one of them).
    var latencyRows: Int

    /// No limit yet: before the first frame has been laid out.
    static let unlimited = ScrollLimits(
        maxOffset: PaneOffsets(all: .max),
        pageSize: PaneOffsets(latency: 10, live: 5, failures: 5, errors: 5, uploads: 5),
        latencyRows: .max
    )
}
