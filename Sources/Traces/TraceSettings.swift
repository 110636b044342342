import Engine
import Foundation

/// Where and how a proxy or engine exports its spans, from its flags and the standard `OTEL_*` variables
/// (flags win: MCP clients start servers with a reduced environment). Export is off unless an endpoint is
/// given, or `OTEL_SDK_DISABLED=true` without one.
public struct TraceSettings: Sendable, Equatable {
    /// How spans are sent.
    public enum ExportProtocol: String, Sendable, Equatable, CaseIterable {
        case httpProtobuf = "http/protobuf"
        case httpJSON = "http/json"
        case grpc
    }

    /// Which spans are kept (`OTEL_TRACES_SAMPLER`, `_ARG`).
    public enum Sampler: Sendable, Equatable {
        case alwaysOn, alwaysOff, parentBasedAlwaysOn, parentBasedAlwaysOff
        case traceIDRatio(Double)
        case parentBasedTraceIDRatio(Double)
    }

    /// One header sent with every export (`OTEL_EXPORTER_OTLP_HEADERS`); never logged or shown.
    public struct Header: Sendable, Equatable {
        /// The field name.
        public var name: String
        /// Its value (a token, often).
        public var value: String
    }

    /// The URL spans are sent to: for HTTP the traces path itself (`…/v1/traces`), for gRPC the collector.
    public var endpoint: URL
    /// `OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf` by default.
    public var exportProtocol: ExportProtocol
    /// Sent with every export.
    public var headers: [Header]
    /// `service.name`: `OTEL_SERVICE_NAME`, else the resource attribute, else the proxy's name.
    public var serviceName: String
    /// `OTEL_RESOURCE_ATTRIBUTES`, `service.name` aside.
    public var resourceAttributes: [String: String]
    /// Which spans are exported.
    public var sampler: Sampler
    /// How long spans wait to be sent in a batch (`OTEL_BSP_SCHEDULE_DELAY`, milliseconds; ``defaultScheduleDelay``
    /// unless set).
    public var scheduleDelay: Duration
    /// How often spans are sent unless `OTEL_BSP_SCHEDULE_DELAY` says otherwise: often, so the export queue is
    /// never full. swift-otel's batch processor drops every span that arrives between its queue filling up
    /// and the export that empties it (a few milliseconds); sent every 200 ms, the queue (8 192) holds all
    /// that arrives in between up to ~40 000 spans a second, and an idle proxy's ticks cost under 0.1 % of a
    /// core. The OpenTelemetry default, 5 s, fills the queue at 1 600 spans a second.
    public static let defaultScheduleDelay: Duration = .milliseconds(200)
    /// `--otlp-payloads`: tool arguments and results go into spans (truncated, secrets redacted).
    public var payloads: Bool

    /// Where spans go, as a screen or a log may show it: scheme, host and port, never a path's query or
    /// credentials.
    public var displayTarget: String {
        var text = (endpoint.scheme ?? "http") + "://" + (endpoint.host ?? "")
        if let port = endpoint.port { text += ":\(port)" }
        return text
    }

    /// Why the settings cannot be used, naming the flag or variable (never a header's value).
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        /// One line naming the flag or variable and what it takes.
        public let description: String
    }

    /// The settings `endpointFlag` (`--otlp-endpoint`, a base URL as `OTEL_EXPORTER_OTLP_ENDPOINT` is) and
    /// `environment` give, for a service named `serviceName` by default; nil when export is off.
    public static func resolve(
        endpointFlag: String?,
        payloads: Bool,
        serviceName defaultName: String,
        environment: [String: String]
    ) throws(Invalid) -> TraceSettings? {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        let protocolName = value("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? value("OTEL_EXPORTER_OTLP_PROTOCOL")
        let exportProtocol: ExportProtocol
        if let protocolName {
            guard let known = ExportProtocol(rawValue: protocolName.lowercased()) else {
                throw Invalid(
                    description:
                        "OTEL_EXPORTER_OTLP_PROTOCOL=\(protocolName) is not a protocol spans can be exported with: "
                        + "use http/protobuf (the default), http/json or grpc"
                )
            }
            exportProtocol = known
        } else {
            exportProtocol = .httpProtobuf
        }
        let endpoint: URL
        if let flag = endpointFlag {
            endpoint = try Self.url(flag, named: "--otlp-endpoint", base: exportProtocol != .grpc)
        } else if value("OTEL_SDK_DISABLED")?.lowercased() == "true" {
            return nil
        } else if let traces = value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
            endpoint = try Self.url(traces, named: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", base: false)
        } else if let base = value("OTEL_EXPORTER_OTLP_ENDPOINT") {
            endpoint = try Self.url(base, named: "OTEL_EXPORTER_OTLP_ENDPOINT", base: exportProtocol != .grpc)
        } else {
            return nil
        }
        let headers = try Self.pairs(
            value("OTEL_EXPORTER_OTLP_TRACES_HEADERS") ?? value("OTEL_EXPORTER_OTLP_HEADERS"),
            named: environment["OTEL_EXPORTER_OTLP_TRACES_HEADERS"] == nil
                ? "OTEL_EXPORTER_OTLP_HEADERS" : "OTEL_EXPORTER_OTLP_TRACES_HEADERS"
        ).map { Header(name: $0.0, value: $0.1) }
        var attributes = Dictionary(
            try Self.pairs(value("OTEL_RESOURCE_ATTRIBUTES"), named: "OTEL_RESOURCE_ATTRIBUTES"),
            uniquingKeysWith: { _, last in last }
        )
        let named = attributes.removeValue(forKey: "service.name")
        return TraceSettings(
            endpoint: endpoint,
            exportProtocol: exportProtocol,
            headers: headers,
            serviceName: value("OTEL_SERVICE_NAME") ?? named ?? defaultName,
            resourceAttributes: attributes,
            sampler: try Self.sampler(value("OTEL_TRACES_SAMPLER"), argument: value("OTEL_TRACES_SAMPLER_ARG")),
            scheduleDelay: try Self.milliseconds(value("OTEL_BSP_SCHEDULE_DELAY"), named: "OTEL_BSP_SCHEDULE_DELAY")
                ?? Self.defaultScheduleDelay,
            payloads: payloads
        )
    }

    /// An `http`/`https` URL; a `base` one gets the traces path (`/v1/traces`) appended, as the OTLP
    /// specification says for `OTEL_EXPORTER_OTLP_ENDPOINT`.
    static func url(_ text: String, named name: String, base: Bool) throws(Invalid) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw Invalid(
                description: "\(name) is not an http:// or https:// URL with a host (for example http://127.0.0.1:4318)"
            )
        }
        guard url.user == nil, url.password == nil else {
            throw Invalid(description: "\(name) holds credentials: give them as OTEL_EXPORTER_OTLP_HEADERS instead")
        }
        guard base else { return url }
        var path = url.path
        while path.hasSuffix("/") { path.removeLast() }
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        components.path = path + "/v1/traces"
        return components.url!
    }

    /// `key=value,key=value` (W3C baggage-style, values percent-encoded), as the OTLP headers and resource
    /// attributes are written.
    static func pairs(_ text: String?, named name: String) throws(Invalid) -> [(String, String)] {
        guard let text else { return [] }
        var pairs: [(String, String)] = []
        for (index, entry) in text.split(separator: ",", omittingEmptySubsequences: true).enumerated() {
            let parts = entry.split(separator: "=", maxSplits: 1)
            let key = parts.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard parts.count == 2, !key.isEmpty else {
                throw Invalid(description: "\(name): entry \(index + 1) is not key=value")
            }
            let raw = parts[1].trimmingCharacters(in: .whitespaces)
            pairs.append((key.removingPercentEncoding ?? key, raw.removingPercentEncoding ?? raw))
        }
        return pairs
    }

    static func sampler(_ name: String?, argument: String?) throws(Invalid) -> Sampler {
        var ratio = 1.0
        if let argument {
            guard let value = Double(argument), (0...1).contains(value) else {
                throw Invalid(description: "OTEL_TRACES_SAMPLER_ARG=\(argument) is not a ratio between 0 and 1")
            }
            ratio = value
        }
        switch name?.lowercased() {
        case nil, "parentbased_always_on": return .parentBasedAlwaysOn
        case "always_on": return .alwaysOn
        case "always_off": return .alwaysOff
        case "parentbased_always_off": return .parentBasedAlwaysOff
        case "traceidratio": return .traceIDRatio(ratio)
        case "parentbased_traceidratio": return .parentBasedTraceIDRatio(ratio)
        case let other?:
            throw Invalid(
                description:
                    "OTEL_TRACES_SAMPLER=\(other) is not supported: use always_on, always_off, traceidratio, "
                    + "parentbased_always_on (the default), parentbased_always_off or parentbased_traceidratio"
            )
        }
    }

    static func milliseconds(_ text: String?, named name: String) throws(Invalid) -> Duration? {
        guard let text else { return nil }
        guard let value = Int(text), value >= 0, value <= 3_600_000 else {
            throw Invalid(description: "\(name)=\(text) is not a number of milliseconds")
        }
        return .milliseconds(value)
    }
}
