import ArgumentParser
import MetricsClient
import MetricsWire

/// What one poll reads, for `snapshot` and `check`: `--attach` an endpoint, or `--prometheus` a fleet; with a
/// bearer token and a timeout.
struct PollOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The endpoint: HOST:PORT, [IPv6]:PORT, HOST (port 9109) or an http(s):// URL (default 127.0.0.1:9109).",
            valueName: "host:port"
        )
    )
    var attach: String?

    @OptionGroup var fleet: FleetOptions

    @Option(
        help: ArgumentHelp(
            "A bearer token sent with the request, for an endpoint behind an authenticating proxy.",
            valueName: "token"
        )
    )
    var bearerToken: String?

    @Option(help: ArgumentHelp("Give up after this many seconds.", valueName: "seconds"))
    var timeout: Double = 5

    func validate() throws {
        if fleet.prometheus != nil, attach != nil {
            throw ValidationError("--attach and --prometheus name two sources; give one")
        }
        if fleet.prometheus == nil {
            do {
                _ = try MetricsTarget(parsing: attach ?? MetricsTarget.local.description)
            } catch {
                throw ValidationError("--attach: \(error.reason); \(error.hint ?? "")")
            }
        }
        guard timeout.isFinite, timeout > 0, timeout <= 600 else {
            throw ValidationError("--timeout must be greater than 0 and at most 600 seconds, got \(timeout)")
        }
    }

    /// A poller of the source named.
    func poller() throws -> MetricsPoller {
        let configuration = PollerConfiguration(requestTimeout: .seconds(timeout), bearerToken: bearerToken)
        return try fleet.source().map { MetricsPoller(source: $0, configuration: configuration) }
            ?? MetricsPoller(
                target: try MetricsTarget(parsing: attach ?? MetricsTarget.local.description),
                configuration: configuration
            )
    }
}
