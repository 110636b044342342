/// What the user has done to the view: everything the keys change, nothing that comes from the engine.
public struct UIState: Sendable, Equatable {
    /// The latency table's order.
    var sortKey: SortKey
    /// The applied filter: only tools whose name contains it (ignoring case) are listed.
    var filterText: String
    /// The filter being typed after `/`, applied with Enter.
    var filterDraft: String
    /// Whether keys go to the filter prompt.
    var isEditingFilter: Bool
    /// The first visible row of each scrollable pane.
    var scroll: PaneOffsets
    /// How far each pane can scroll and by how much a page moves; set from `DashboardLayout` each frame.
    var scrollLimits: ScrollLimits
    /// The pane the scroll keys move.
    var focus: FocusPane
    /// The latency table's highlighted row (Enter opens its tool).
    var selectedRow: Int
    /// The tool whose detail covers the panes (Esc closes it).
    var detail: ToolKey?
    /// The Messages view (`m`), when it covers the panes.
    var messages: MessagesViewState?
    /// The Tools view (`t`), when it covers the panes.
    var tools: ToolsViewState?
    /// The newest risky tool change acknowledged (`a`), by target.
    var acknowledged: [String: Acknowledgement] = [:]
    /// Whether the key help covers the screen.
    var isHelpVisible: Bool
    /// Whether the display is frozen (the app stops applying new snapshots).
    var isPaused: Bool
    /// Whether the "reset all counters? y/n" prompt is up.
    var isConfirmingReset: Bool
    /// The message line's content.
    public var statusMessage: StatusMessage?
    /// Colours on, or attributes only (NO_COLOR, `--no-color`, or a terminal without colours).
    public var colorEnabled: Bool

    /// Creates a UI state; every part defaults to a fresh dashboard's.
    init(
        sortKey: SortKey = .name,
        filterText: String = "",
        filterDraft: String = "",
        isEditingFilter: Bool = false,
        scroll: PaneOffsets = PaneOffsets(),
        scrollLimits: ScrollLimits = .unlimited,
        focus: FocusPane = .latency,
        selectedRow: Int = 0,
        detail: ToolKey? = nil,
        messages: MessagesViewState? = nil,
        isHelpVisible: Bool = false,
        isPaused: Bool = false,
        isConfirmingReset: Bool = false,
        statusMessage: StatusMessage? = nil,
        colorEnabled: Bool = true
    ) {
        self.sortKey = sortKey
        self.filterText = filterText
        self.filterDraft = filterDraft
        self.isEditingFilter = isEditingFilter
        self.scroll = scroll
        self.scrollLimits = scrollLimits
        self.focus = focus
        self.selectedRow = selectedRow
        self.detail = detail
        self.messages = messages
        self.isHelpVisible = isHelpVisible
        self.isPaused = isPaused
        self.isConfirmingReset = isConfirmingReset
        self.statusMessage = statusMessage
        self.colorEnabled = colorEnabled
    }

    /// Pulls every scroll offset back inside `scrollLimits` (after a resize or when rows went away).
    mutating func clampScroll() {
        for pane in FocusPane.allCases {
            scroll[pane] = min(max(0, scroll[pane]), scrollLimits.maxOffset[pane])
        }
        selectedRow = min(max(0, selectedRow), max(0, scrollLimits.latencyRows - 1))
    }
}
