/// A one-line message under the panes: what just happened, or why something could not.
public struct StatusMessage: Sendable, Equatable {
    /// How the message is shown.
    public enum Kind: Sendable {
        case info
        case error
    }

    /// The message.
    var text: String
    /// Information or a failure.
    var kind: Kind

    /// Creates a message.
    public init(_ text: String, kind: Kind = .info) {
        self.text = text
        self.kind = kind
    }
}
