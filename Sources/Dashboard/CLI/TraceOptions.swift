import ArgumentParser
import Engine
import Foundation
import Logging
import Traces

/// `--otlp-endpoint` and `--otlp-payloads`: span export over OTLP, for every subcommand that runs a proxy.
struct TraceOptions: ParsableArguments {
    @Option(
        name: .customLong("otlp-endpoint"),
        help: ArgumentHelp(
            "Export a span per request over OTLP to this collector: its base URL, as OTEL_EXPORTER_OTLP_ENDPOINT "
                + "(/v1/traces is added for HTTP). OTEL_EXPORTER_OTLP_* variables are read too; flags win.",
            valueName: "url"
        )
    )
    var endpoint: String?

    @Flag(
        name: .customLong("otlp-payloads"),
        help: "Put tool arguments and results in the spans (4 KiB at most, secret-looking values redacted)."
    )
    var payloads = false

    /// Refuses a bad flag or `OTEL_*` variable before anything starts.
    func validate() throws {
        do {
            _ = try TraceSettings.resolve(
                endpointFlag: endpoint,
                payloads: payloads,
                serviceName: "dashboard",
                environment: ProcessInfo.processInfo.environment
            )
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The exporter the flags and `environment` ask for, running; nil when export is off. A bad setting
    /// stops the command with one line naming it.
    func start(
        serviceName: String,
        peer: OTLPExporter.Peer,
        environment: [String: String],
        collector: MetricsCollector,
        logger: Logger
    ) throws -> RunningExport? {
        let settings: TraceSettings?
        do {
            settings = try TraceSettings.resolve(
                endpointFlag: endpoint,
                payloads: payloads,
                serviceName: serviceName.isEmpty ? "dashboard" : serviceName,
                environment: environment
            )
        } catch {
            throw ValidationError(error.description)
        }
        guard let settings else { return nil }
        let exporter: OTLPExporter
        do {
            exporter = try OTLPExporter(settings: settings, peer: peer, logger: logger)
        } catch {
            throw ValidationError("span export to \(settings.displayTarget) cannot start: \(error)")
        }
        collector.setOTLPSource { exporter.metrics }
        return RunningExport(exporter)
    }
}
