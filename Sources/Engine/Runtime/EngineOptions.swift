import MetricsWire

/// How the engine runs, beyond its component settings.
public struct EngineOptions: Sendable, Equatable {
    /// How the engine runs, as its snapshots say.
    public var mode: EngineMode
    /// The demo workload's settings, or `nil` for no demo workload.
    public var demo: DemoConfiguration?
    /// The control-token file used when `METRICS_CONTROL_TOKEN` is not set.
    public var tokenPath: String
    /// The sandbox Files API's knobs, when it is the upload target.
    public var sandbox: SandboxConfiguration
    /// Where uploads go.
    public var filesTarget: FilesTarget
    /// Whether the engine uploads at all (a proxy does not).
    public var uploads: Bool

    /// Creates engine options.
    public init(
        mode: EngineMode,
        demo: DemoConfiguration? = DemoConfiguration(),
        tokenPath: String,
        sandbox: SandboxConfiguration = .visible,
        filesTarget: FilesTarget = .automatic,
        uploads: Bool = true
    ) {
        self.mode = mode
        self.demo = demo
        self.tokenPath = tokenPath
        self.sandbox = sandbox
        self.filesTarget = filesTarget
        self.uploads = uploads
    }
}

/// Where the engine's uploads go.
public enum FilesTarget: Sendable, Equatable {
    /// The configured provider (`KIMI_API_URL`) when `KIMI_API_KEY` is set, else the built-in sandbox.
    case automatic
    /// The Files API at this root URL, with `KIMI_API_KEY` if set.
    case provider(url: String)
}

/// The engine's name and version as reported in `/metrics`, `/health` and `--version`.
public enum EngineVersion {
    /// The engine's name.
    public static let name = "dashboard-engine"
    /// The engine's version.
    public static let current = "0.1.0"
}
