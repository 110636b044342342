/// Whether the dashboard watches its own engine or one elsewhere.
enum DashboardMode: String, Sendable {
    /// The engine runs inside this process.
    case embedded
    /// Watching `--attach HOST:PORT`.
    case attached
}
