/// How the engine runs, beyond its component settings.
public struct EngineOptions: Sendable, Equatable {
    /// Where the engine runs.
    public enum Mode: String, Sendable, Equatable {
        /// Inside the dashboard process.
        case embedded
        /// Headless, for others to attach to.
        case serve
    }

    /// Where the engine runs.
    public var mode: Mode
    /// The demo workload's settings, or `nil` for no demo workload.
    public var demo: DemoConfiguration?
    /// The control-token file used when `METRICS_CONTROL_TOKEN` is not set.
    public var tokenPath: String
    /// The sandbox Files API's knobs, when it is the upload target.
    public var sandbox: SandboxConfiguration

    /// Creates engine options.
    public init(
        mode: Mode,
        demo: DemoConfiguration? = DemoConfiguration(),
        tokenPath: String,
        sandbox: SandboxConfiguration = .visible
    ) {
        self.mode = mode
        self.demo = demo
        self.tokenPath = tokenPath
        self.sandbox = sandbox
    }
}

/// The engine's name and version as reported in `/metrics`, `/health` and `--version`.
public enum EngineVersion {
    /// The engine's name.
    public static let name = "dashboard-engine"
    /// The engine's version.
    public static let current = "0.1.0"
}
