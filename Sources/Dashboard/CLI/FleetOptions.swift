import ArgumentParser
import DashboardUI
import Engine
import MetricsClient
import MetricsWire

/// `--prometheus URL [--selector '{…}']`: a fleet read through Prometheus instead of one engine.
struct FleetOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Read a fleet of engines through this Prometheus server (http://HOST:9090): percentiles merged from every instance's buckets.",
            valueName: "url"
        )
    )
    var prometheus: String?

    @Option(
        help: ArgumentHelp(
            "With --prometheus: label matchers every query carries, like '{job=\"mcp\"}'.",
            valueName: "selector"
        )
    )
    var selector: String?

    /// The fleet named, or nil without `--prometheus`.
    func source() throws(PollError) -> FleetSource? {
        guard let prometheus else { return nil }
        return try FleetSource(
            server: PrometheusServer(parsing: prometheus),
            selector: selector,
            version: EngineVersion.current
        )
    }

    func validate() throws {
        guard prometheus != nil else {
            if selector != nil {
                throw ValidationError("--selector narrows a --prometheus fleet; add --prometheus URL")
            }
            return
        }
        do {
            _ = try source()
        } catch {
            throw ValidationError("--prometheus: \(error.reason); \(error.hint ?? "")")
        }
    }
}
