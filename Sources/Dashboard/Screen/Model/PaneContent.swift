import MetricsClient

/// The rows every pane will show, computed once per frame from the state.
struct PaneContent: Sendable {
    /// Latency table rows after filter and sort.
    let tools: [ToolRow]
    /// Tools in the snapshot before filtering.
    let toolCount: Int
    /// Errors by tool and type.
    let errors: [ErrorRow]
    /// Uploads in progress and finished.
    let uploads: UploadList
    /// Caches in display order: the response cache, the file-ID cache, then any others by name.
    let caches: [CacheMetrics]

    /// The content of `state`.
    init(_ state: DashboardState) {
        tools = ToolTable.rows(for: state)
        toolCount = state.snapshot?.toolMetrics.count ?? 0
        errors = ErrorRow.rows(for: state.snapshot)
        uploads = UploadList(state.snapshot?.uploadMetrics)
        let order = ["semantic_cache": 0, "file_cache": 1]
        caches = (state.snapshot?.cacheMetrics ?? [:]).sorted { lhs, rhs in
            let left = order[lhs.key] ?? 2
            let right = order[rhs.key] ?? 2
            return left != right ? left < right : lhs.key < rhs.key
        }.map(\.value)
    }
}
