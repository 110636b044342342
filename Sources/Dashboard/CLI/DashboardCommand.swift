import ArgumentParser
import Engine

/// `dashboard`: the live performance dashboard for AI tool servers, and its engine.
@main
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Live latency, cache and upload dashboard for AI/MCP tool servers.",
        discussion: """
            `dashboard serve` runs the engine headless: response cache, file-ID cache, metrics endpoint \
            (JSON and Prometheus at http://127.0.0.1:9109/metrics) and a demo workload, for dashboards \
            and scrapers to attach to. `dashboard snapshot` polls such an endpoint once and prints a summary \
            (or the JSON with --json), for scripts and CI.

            Settings come from environment variables (METRICS_JSON_PORT, SEMANTIC_CACHE_MAX_SIZE, …; see \
            the README); flags override them.
            """,
        version: "\(EngineVersion.name) \(EngineVersion.current)",
        subcommands: [ServeCommand.self, SnapshotCommand.self, UploadCommand.self],
        defaultSubcommand: nil
    )

    /// Tunes the allocator, then parses the command line and runs the command.
    static func main() async {
        Allocator.limitArenas()
        await main(nil)
    }
}
