/// One integer per scrollable pane.
struct PaneOffsets: Sendable, Equatable {
    var latency: Int
    var live: Int
    var failures: Int
    var errors: Int
    var uploads: Int

    /// Creates offsets; all default to 0.
    init(latency: Int = 0, live: Int = 0, failures: Int = 0, errors: Int = 0, uploads: Int = 0) {
        self.latency = latency
        self.live = live
        self.failures = failures
        self.errors = errors
        self.uploads = uploads
    }

    /// The same value for every pane.
    init(all value: Int) {
        self.init(latency: value, live: value, failures: value, errors: value, uploads: value)
    }

    /// The value for `pane`.
    subscript(pane: FocusPane) -> Int {
        get {
            switch pane {
            case .latency: return latency
            case .live: return live
            case .failures: return failures
            case .errors: return errors
            case .uploads: return uploads
            }
        }
        set {
            switch pane {
            case .latency: latency = newValue
            case .live: live = newValue
            case .failures: failures = newValue
            case .errors: errors = newValue
            case .uploads: uploads = newValue
            }
        }
    }
}
