import ArgumentParser
import DashboardUI
import MetricsClient
import MetricsWire

/// `dashboard [watch]`: the live terminal dashboard, of its own engine or of a remote one.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract:
            "Open the live dashboard (the default): of an embedded engine, of --attach targets, or of every local proxy.",
        discussion: """
            Without --attach or --local, the dashboard runs an embedded engine (response cache, file-ID cache, \
            a sandbox Files API and a demo workload) serving its metrics on http://127.0.0.1:9109 (or a free \
            port if that one is taken) so others can attach; local proxies it finds are offered with L. \
            --attach may be repeated; --local watches every `dashboard proxy` of this user, adding new ones \
            as they start. --prometheus reads a fleet of engines through Prometheus instead: per-tool \
            p50/p95/p99 from histogram_quantile over the buckets of every instance summed, rates, errors, \
            caches and an Instances pane (up or down), over a window of max(refresh + scrape interval, \
            4 × scrape interval), shown in the titles. Settings are read from ~/.config/dashboard/config.toml (see README); flags win. \
            Logs go to --log-file, never to the screen.

            Keys: q quit, ? help, Enter tool detail (Esc back), u test upload, p pause, s sort, / filter, \
            +/- refresh interval, r reset, L local proxies, Tab focus, arrows or j/k move.
            """
    )

    @Option(
        help: ArgumentHelp(
            "Watch the engine at HOST:PORT instead of running one (any server of the /metrics JSON schema); repeatable.",
            valueName: "host:port"
        )
    )
    var attach: [String] = []

    @Flag(help: "Watch every local `dashboard proxy` (its discovery folder), adding new ones as they start.")
    var local = false

    @OptionGroup var fleet: FleetOptions

    @Option(
        help: ArgumentHelp(
            "The configuration file (default: $XDG_CONFIG_HOME/dashboard/config.toml or ~/.config/dashboard/config.toml).",
            valueName: "path"
        )
    )
    var config: String?

    @Option(
        help: ArgumentHelp(
            "Control token for u and r when attached (default: METRICS_CONTROL_TOKEN, then the local token file).",
            valueName: "token"
        )
    )
    var token: String?

    @Option(
        help: ArgumentHelp(
            "A bearer token sent with every poll, for an endpoint behind an authenticating proxy.",
            valueName: "token"
        )
    )
    var bearerToken: String?

    @Option(
        help: ArgumentHelp(
            "Seconds between polls (0.25 to 10, default 1 or the file's `refresh`; + and - change it live).",
            valueName: "seconds"
        )
    )
    var refresh: Double?

    @Flag(help: "Monochrome: no colours (also when NO_COLOR is set).")
    var noColor = false

    @Flag(help: "Do not run the demo workload in the embedded engine.")
    var noDemo = false

    @Option(help: ArgumentHelp("Demo tool calls started per second.", valueName: "calls/s"))
    var demoRate: Double = 20

    @Option(
        help: ArgumentHelp(
            "Port of the embedded engine's endpoint (default: METRICS_JSON_PORT or 9109; if taken, any free port).",
            valueName: "port"
        )
    )
    var port: Int?

    @Option(
        help: ArgumentHelp(
            "Size of each of the 4 generated files a test upload (u) sends, in MiB (24 in a release build).",
            valueName: "MiB"
        )
    )
    var uploadSize: Int = WatchCommand.defaultUploadMiB

    @OptionGroup var traces: TraceOptions

    @OptionGroup var sharedCache: SharedCacheOptions

    @OptionGroup var fileCacheURL: FileCacheURLOption

    @OptionGroup var log: LogOptions

    /// The default size of a test-upload file: 24 MiB, or 2 MiB in a debug build, where the sandbox parses
    /// upload bodies with unoptimised multipart-kit, far slower (BENCHMARKS.md), so that a test upload
    /// still finishes in seconds there.
    static var defaultUploadMiB: Int {
        #if DEBUG
        return 2
        #else
        return 24
        #endif
    }

    func validate() throws {
        if let refresh, !(refresh.isFinite && (0.25...10).contains(refresh)) {
            throw ValidationError("--refresh must be from 0.25 to 10 seconds, got \(refresh)")
        }
        guard demoRate.isFinite, demoRate > 0, demoRate <= 10_000 else {
            throw ValidationError("--demo-rate must be greater than 0 and at most 10000 calls/s, got \(demoRate)")
        }
        guard (1...256).contains(uploadSize) else {
            throw ValidationError("--upload-size must be from 1 to 256 MiB, got \(uploadSize)")
        }
        if let port, !(0...65_535).contains(port) {
            throw ValidationError("--port must be from 0 to 65535, got \(port)")
        }
        if fleet.prometheus != nil, !attach.isEmpty || local {
            throw ValidationError("--prometheus watches a fleet on its own; leave out --attach and --local")
        }
    }

}
