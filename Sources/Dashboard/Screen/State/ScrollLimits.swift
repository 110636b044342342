/// How far each pane can scroll (rows beyond what fits) and how many rows it shows at once.
struct ScrollLimits: Sendable, Equatable {
    /// The largest first-visible-row offset per pane.
    var maxOffset: PaneOffsets
    /// Rows visible per pane: the step of Page Up and Page Down.
    var pageSize: PaneOffsets

    /// No limit yet: before the first frame has been laid out.
    static let unlimited = ScrollLimits(
        maxOffset: PaneOffsets(latency: .max, errors: .max, uploads: .max),
        pageSize: PaneOffsets(latency: 10, errors: 5, uploads: 5)
    )
}
