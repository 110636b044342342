import MetricsClient
import MetricsWire

/// The rows every pane will show, computed once per frame from the state.
struct PaneContent: Sendable {
    /// Latency table rows after filter and sort.
    let tools: ToolTable
    /// Tools of every target before filtering.
    let toolCount: Int
    /// Calls in flight, longest first.
    let live: [LiveCallRow]
    /// How many calls the targets say are in flight (they list the longest only).
    let liveReported: Int
    /// Whether any target reports in-flight calls (only proxies do); the pane is hidden otherwise.
    let showsLive: Bool
    /// The latest failures, newest first.
    let failures: [FailureRow]
    /// Errors by tool and type.
    let errors: ErrorTable
    /// Uploads in progress and finished.
    let uploads: UploadList
    /// Whether the uploads pane is shown: some target uploads, or the only one might.
    let showsUploads: Bool
    /// Caches in display order.
    let caches: [CacheRow]
    /// The fleet read from Prometheus, once it answered.
    let fleet: FleetMetrics?
    /// Whether the instances pane is shown: when watching a fleet (`--prometheus`).
    let showsInstances: Bool

    /// The content a frame of `state` draws: none while the Messages or Tools view covers the panes (their rows
    /// would be computed for nothing, on every frame of a busy list).
    static func frame(_ state: DashboardState) -> PaneContent {
        guard state.ui.messages != nil || state.ui.tools != nil else { return PaneContent(state) }
        var covered = state
        covered.targets = []
        covered.messages = MessageList()
        return PaneContent(covered)
    }

    /// The content of `state`.
    init(_ state: DashboardState) {
        tools = ToolTable(state)
        toolCount = state.targets.reduce(0) { $0 + ($1.snapshot?.toolMetrics.count ?? 0) }
        (live, liveReported) = LiveCallRow.rows(for: state)
        showsLive = LiveCallRow.isReported(in: state)
        failures = FailureRow.rows(for: state)
        errors = ErrorTable(state)
        let uploadTarget = state.uploadTarget
        uploads = UploadList(uploadTarget?.snapshot?.uploadMetrics)
        // Engines that upload show the pane; before the first snapshot, the only target might.
        showsInstances = state.mode == .fleet
        showsUploads =
            uploadTarget?.snapshot?.uploadMetrics != nil
            || (!state.isMultiTarget && !showsInstances && uploadTarget != nil && uploadTarget?.snapshot == nil)
        caches = CacheRow.rows(for: state)
        fleet = state.targets.lazy.compactMap { $0.snapshot?.fleet }.first
    }
}
