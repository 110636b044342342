import Foundation
import Testing

@testable import Traces

/// How `--otlp-endpoint`, `--otlp-payloads` and the standard `OTEL_*` variables become the export's
/// settings: flags win, the endpoint rules of the OTLP specification, and each bad value refused with a
/// line naming the flag or variable (never a header's value).
@Suite("Trace settings")
struct TraceSettingsTests {
    static func resolve(_ flag: String? = nil, _ environment: [String: String] = [:]) throws -> TraceSettings? {
        try TraceSettings.resolve(endpointFlag: flag, payloads: false, serviceName: "search", environment: environment)
    }

    static func refusal(_ flag: String? = nil, _ environment: [String: String] = [:]) -> String? {
        do throws(TraceSettings.Invalid) {
            _ = try TraceSettings.resolve(
                endpointFlag: flag,
                payloads: false,
                serviceName: "search",
                environment: environment
            )
            return nil
        } catch {
            return error.description
        }
    }

    @Test("off unless an endpoint is given; OTEL_SDK_DISABLED turns the variables off, not the flag")
    func off() throws {
        #expect(try Self.resolve() == nil)
        #expect(try Self.resolve(nil, ["OTEL_SERVICE_NAME": "x", "OTEL_TRACES_SAMPLER": "always_on"]) == nil)
        let disabled = ["OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"]
        #expect(try Self.resolve(nil, disabled) == nil)
        #expect(try Self.resolve("http://flag:4318", disabled)?.endpoint.absoluteString == "http://flag:4318/v1/traces")
        #expect(
            try Self.resolve("http://flag:4318")?.scheduleDelay == .milliseconds(200),
            "sent often: never a full queue"
        )
    }

    @Test("the base URL gets /v1/traces (HTTP), the traces endpoint is used as it is, gRPC's as given; flags win")
    func endpoints() throws {
        #expect(try Self.resolve("http://127.0.0.1:4318")?.endpoint.absoluteString == "http://127.0.0.1:4318/v1/traces")
        #expect(
            try Self.resolve("https://c.example/otlp/")?.endpoint.absoluteString == "https://c.example/otlp/v1/traces"
        )
        let traces = [
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://t:9/custom", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://b:1",
        ]
        #expect(try Self.resolve(nil, traces)?.endpoint.absoluteString == "http://t:9/custom")
        #expect(
            try Self.resolve(nil, ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://b:1"])?.endpoint.absoluteString
                == "http://b:1/v1/traces"
        )
        #expect(try Self.resolve("http://flag:2", traces)?.endpoint.absoluteString == "http://flag:2/v1/traces")
        let grpc = try #require(try Self.resolve("http://g:4317", ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"]))
        #expect(grpc.exportProtocol == .grpc && grpc.endpoint.absoluteString == "http://g:4317")
        let json = ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"]
        #expect(try Self.resolve("http://c:1", json)?.exportProtocol == .httpJSON, "the signal's own variable wins")
        #expect(try Self.resolve("http://c:1/a/b?token=s")?.displayTarget == "http://c:1")
    }

    @Test("service name, resource attributes, headers and sampler from the variables")
    func variables() throws {
        let settings = try #require(
            try Self.resolve(
                "http://c:1",
                [
                    "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=prod, team=a%20b,service.name=fromattr",
                    "OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Bearer%20s3cr3t,x-tenant=t1",
                    "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25",
                    "OTEL_BSP_SCHEDULE_DELAY": "200",
                ]
            )
        )
        #expect(settings.serviceName == "fromattr")
        #expect(settings.resourceAttributes == ["deployment.environment": "prod", "team": "a b"])
        #expect(settings.headers.map(\.name) == ["Authorization", "x-tenant"])
        #expect(settings.headers.first?.value == "Bearer s3cr3t")
        #expect(settings.sampler == .parentBasedTraceIDRatio(0.25) && settings.scheduleDelay == .milliseconds(200))
        #expect(try Self.resolve("http://c:1", ["OTEL_SERVICE_NAME": "named"])?.serviceName == "named")
        #expect(
            try Self.resolve("http://c:1")?.serviceName == "search"
                && Self.resolve("http://c:1")?.sampler == .parentBasedAlwaysOn
        )
    }

    @Test(
        "bad values are refused naming the flag or variable, never echoing a header's value",
        arguments: [
            (nil, ["OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"], "OTEL_EXPORTER_OTLP_ENDPOINT is not an http://"),
            ("ftp://c:1", [:], "--otlp-endpoint is not an http://"),
            ("http://user:pw@c:1", [:], "--otlp-endpoint holds credentials"),
            ("http://c:1", ["OTEL_EXPORTER_OTLP_PROTOCOL": "thrift"], "OTEL_EXPORTER_OTLP_PROTOCOL=thrift is not"),
            ("http://c:1", ["OTEL_TRACES_SAMPLER": "xray"], "OTEL_TRACES_SAMPLER=xray is not supported"),
            ("http://c:1", ["OTEL_TRACES_SAMPLER_ARG": "2"], "OTEL_TRACES_SAMPLER_ARG=2 is not a ratio"),
            ("http://c:1", ["OTEL_EXPORTER_OTLP_HEADERS": "Authorization"], "OTEL_EXPORTER_OTLP_HEADERS: entry 1"),
            ("http://c:1", ["OTEL_RESOURCE_ATTRIBUTES": "a=1,=2"], "OTEL_RESOURCE_ATTRIBUTES: entry 2"),
            ("http://c:1", ["OTEL_BSP_SCHEDULE_DELAY": "soon"], "OTEL_BSP_SCHEDULE_DELAY=soon is not"),
        ] as [(String?, [String: String], String)]
    )
    func refused(flag: String?, environment: [String: String], expected: String) throws {
        let message = try #require(Self.refusal(flag, environment))
        #expect(message.hasPrefix(expected), "\(message)")
        #expect(!message.contains("pw") && !message.contains("Bearer"))
    }
}
