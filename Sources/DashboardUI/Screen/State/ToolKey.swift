/// One tool of one target: what the detail view shows.
struct ToolKey: Sendable, Equatable, Hashable {
    /// The target's id (`host:port`).
    var target: String
    /// The tool's name.
    var tool: String
}
