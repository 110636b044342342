/// A one-line message under the panes: what just happened, or why something could not.
struct StatusMessage: Sendable, Equatable {
    /// How the message is shown.
    enum Kind: Sendable {
        case info
        case error
    }

    /// The message.
    var text: String
    /// Information or a failure.
    var kind: Kind

    /// Creates a message.
    init(_ text: String, kind: Kind = .info) {
        self.text = text
        self.kind = kind
    }
}
