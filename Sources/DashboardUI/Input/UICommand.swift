/// Something a key asks of the app beyond the view: the reducer decides, the app does it.
enum UICommand: Sendable, Equatable {
    /// Restore the terminal and exit.
    case quit
    /// Ask the engine for a test upload (`POST /v1/uploads/test`).
    case startTestUpload
    /// `r`: ask "reset all counters? y/n" when the target has a control API, else say that it has none.
    case askReset
    /// Reset the engine's counters (`POST /v1/reset`); only sent after the user confirmed with `y`.
    case resetCounters
    /// Poll less often (`step` > 0) or more often (`step` < 0), one step of the app's interval ladder.
    case changeRefresh(step: Int)
    /// Redraw from scratch (after a resize).
    case redraw
    /// Open the detail of the latency table's highlighted tool.
    case openDetail
    /// Start (true) or stop reading the watched proxies' message logs: the Messages view opened or closed.
    case watchMessages(Bool)
    /// Acknowledge every target's tool changes so far (`a` in Tools): the badge goes until a new risky one.
    case acknowledgeTools
    /// Start or stop watching the local proxies found beside the embedded engine.
    case toggleLocal
}
