/// What the dashboard watches: its own engine, named targets, or the local proxies it finds.
public enum DashboardMode: String, Sendable {
    /// The engine runs inside this process.
    case embedded
    /// Watching `--attach HOST:PORT` targets (or the configuration file's).
    case attached
    /// Watching every local proxy of the discovery folder (`--local`), and any attached targets.
    case local
    /// Watching a fleet through Prometheus (`--prometheus URL`).
    case fleet
}
