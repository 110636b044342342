import ArgumentParser
import DashboardUI
import Engine

/// `dashboard`: the live performance dashboard for AI tool servers, and its engine.
@main
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Live latency, cache and upload dashboard for AI/MCP tool servers.",
        discussion: """
            With no subcommand, opens the live dashboard: latency per tool (p50/p95/p99), cache hit rates, \
            errors by type and upload progress. By default it runs its own engine (response cache, file-ID \
            cache, a sandbox Files API and a demo workload) and serves that engine's metrics on \
            http://127.0.0.1:9109 so others can attach; --attach HOST:PORT watches another engine instead \
            (or any server speaking the same JSON, such as the Python original's); --local watches every \
            local `dashboard proxy`; --prometheus URL watches a fleet of replicas through Prometheus, their \
            percentiles merged from the summed histogram buckets.

            Keys: q quit, ? help, m messages, t tools, u test upload, p pause, s sort, / filter, +/- refresh interval, r reset, \
            Tab focus, arrows or j/k scroll.

            `dashboard serve` runs the engine headless, `dashboard snapshot` prints one poll for scripts, \
            `dashboard check` holds a target to latency and error bounds (exit 1 on a violation, --junit), \
            `dashboard upload FILE…` uploads from the shell, `dashboard proxy -- CMD` watches a stdio MCP \
            server (`--http` a Streamable-HTTP one) without changing it, `dashboard tools pin` pins the tools it \
            lists, `dashboard prometheus-rules` prints \
            recording rules that make a large fleet cheap for Prometheus. Settings come from environment variables \
            (METRICS_JSON_PORT, SEMANTIC_CACHE_MAX_SIZE, …; see the README); flags override them.
            """,
        version: "\(EngineVersion.name) \(EngineVersion.current)",
        subcommands: [
            WatchCommand.self, ServeCommand.self, SnapshotCommand.self, CheckCommand.self, UploadCommand.self,
            ProxyCommand.self, ReplayCommand.self, ToolsCommand.self, PrometheusRulesCommand.self,
        ],
        defaultSubcommand: WatchCommand.self
    )

    /// Tunes the allocator, then parses the command line and runs the command.
    static func main() async {
        Allocator.limitArenas()
        await main(nil)
    }
}
