import ArgumentParser
import Engine
import Foundation
import Logging
import Traces

/// `--otlp-endpoint`: span export over OTLP, for every subcommand that runs a proxy or an engine.
struct TraceOptions: ParsableArguments {
    @Option(
        name: .customLong("otlp-endpoint"),
        help: ArgumentHelp(
            "Export spans over OTLP to this collector (each request, tool call or upload): its base URL, as "
                + "OTEL_EXPORTER_OTLP_ENDPOINT (/v1/traces is added for HTTP). OTEL_EXPORTER_OTLP_* variables are "
                + "read too; flags win.",
            valueName: "url"
        )
    )
    var endpoint: String?

    /// Whether spans carry tool arguments and results: only a proxy sees them (``ProxyTraceOptions``).
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

    /// The exporter the flags and `environment` ask for, running; nil when export is off. A proxy's spans say
    /// they went to `peer`. A bad setting stops the command with one line naming it.
    func start(
        serviceName: String,
        peer: OTLPExporter.Peer? = nil,
        environment: [String: String],
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
        return RunningExport(exporter)
    }
}

/// A proxy's span export: ``TraceOptions`` and `--otlp-payloads`, since only a proxy sees the calls' arguments
/// and results.
struct ProxyTraceOptions: ParsableArguments {
    @OptionGroup var export: TraceOptions

    @Flag(
        name: .customLong("otlp-payloads"),
        help: "Put tool arguments and results in the spans (4 KiB at most, secret-looking values redacted)."
    )
    var payloads = false

    /// ``TraceOptions/start(serviceName:peer:environment:logger:)`` with `--otlp-payloads`.
    func start(
        serviceName: String,
        peer: OTLPExporter.Peer,
        environment: [String: String],
        logger: Logger
    ) throws -> RunningExport? {
        var export = self.export
        export.payloads = payloads
        return try export.start(serviceName: serviceName, peer: peer, environment: environment, logger: logger)
    }
}
