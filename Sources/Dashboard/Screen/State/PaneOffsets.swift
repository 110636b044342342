/// One integer per scrollable pane.
struct PaneOffsets: Sendable, Equatable {
    var latency: Int
    var errors: Int
    var uploads: Int

    /// Creates offsets; all default to 0.
    init(latency: Int = 0, errors: Int = 0, uploads: Int = 0) {
        self.latency = latency
        self.errors = errors
        self.uploads = uploads
    }

    /// The value for `pane`.
    subscript(pane: FocusPane) -> Int {
        get {
            switch pane {
            case .latency: return latency
            case .errors: return errors
            case .uploads: return uploads
            }
        }
        set {
            switch pane {
            case .latency: latency = newValue
            case .errors: errors = newValue
            case .uploads: uploads = newValue
            }
        }
    }
}
