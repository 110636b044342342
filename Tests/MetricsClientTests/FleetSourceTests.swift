import Foundation
import Testing

@testable import MetricsClient

/// What the fleet view does with the answers a Prometheus gives when things go wrong: warnings about
/// partial data are kept and shown, an error body's words reach the status, a page that is not the API
/// is named. (The fleet against a real Prometheus is in the dashboard's tests.)
@Suite("fleet source: Prometheus answers")
struct FleetSourceTests {
    static func poll(_ server: RawHTTPServer, selector: String? = nil) async -> Result<PolledSnapshot, PollError> {
        do {
            let source = try FleetSource(
                server: PrometheusServer(host: "127.0.0.1", port: server.port),
                selector: selector
            )
            return await MetricsPoller(source: source, configuration: PollerConfiguration(requestTimeout: .seconds(3)))
                .pollOnce()
        } catch {
            return .failure(error)
        }
    }

    @Test("warnings (partial data) are kept on the snapshot; an empty fleet is a snapshot, not an error")
    func partialData() async throws {
        let body = #"""
            {"status":"success","warnings":["remote read of store-2 failed: partial response"],
             "data":{"resultType":"vector","result":[
               {"metric":{"job":"mcp","instance":"10.0.0.1:9109"},"value":[1764600000,"1"]}]}}
            """#
        let server = try RawHTTPServer(RawHTTPServer.respond(text: body))
        defer { server.stop() }
        let polled = try await Self.poll(server).get()
        let fleet = try #require(polled.snapshot.fleet)
        #expect(fleet.warnings == ["remote read of store-2 failed: partial response"])
        #expect(fleet.instances.map(\.instance) == ["10.0.0.1:9109"] && fleet.instances[0].up)
        #expect(polled.snapshot.engine?.mode == .fleet)
    }

    @Test(
        "an error answer's own words, with what to do",
        arguments: [
            (
                "503 Service Unavailable",
                #"{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}"#,
                "query timed out", "overloaded"
            ),
            (
                "400 Bad Request",
                #"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected \"}\""}"#,
                "parse error", "--selector"
            ),
            (
                "422 Unprocessable Entity",
                #"{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}"#,
                "many-to-many", "--selector"
            ),
            ("404 Not Found", "404 page not found", "404", "route prefix"),
        ]
    )
    func errors(status: String, body: String, said: String, advice: String) async throws {
        let server = try RawHTTPServer(RawHTTPServer.respond(status: status, text: body))
        defer { server.stop() }
        guard case .failure(let error) = await Self.poll(server) else {
            Issue.record("an error answer gave a snapshot")
            return
        }
        #expect(error.description.contains(said) && error.description.contains(advice), "\(error)")
        #expect(!error.description.contains("query="), "the long query is not in the message: \(error)")
    }

    @Test("a page that is not the API, or success without data, is named as such")
    func notTheAPI() async throws {
        for (body, expected) in [
            ("<html><body>Grafana</body></html>", "not JSON"),
            (#"{"status":"success"}"#, "without data"),
            (#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#, "no instant vector"),
        ] {
            let server = try RawHTTPServer(RawHTTPServer.respond(text: body))
            defer { server.stop() }
            guard case .failure(let error) = await Self.poll(server) else {
                Issue.record("\(body) gave a snapshot")
                continue
            }
            #expect(error.description.contains(expected), "\(body): \(error)")
            #expect(error.isIncompatible)
        }
    }

    @Test("durations, sample values and the window follow Prometheus's notation and rules")
    func notation() throws {
        #expect(PrometheusAPI.seconds("15s") == 15 && PrometheusAPI.seconds("1m30s") == 90)
        #expect(PrometheusAPI.seconds("500ms") == 0.5 && PrometheusAPI.seconds("2h") == 7200)
        #expect(
            PrometheusAPI.seconds("") == nil && PrometheusAPI.seconds("15") == nil && PrometheusAPI.seconds("5x") == nil
        )
        #expect(PrometheusAPI.number("NaN").isNaN && PrometheusAPI.number("+Inf") == .infinity)
        #expect(PrometheusAPI.number("0.25") == 0.25)
        #expect(FleetSource.window(refresh: 1, scrape: 15) == 60)
        #expect(FleetSource.window(refresh: 10, scrape: 1) == 11)
        #expect(FleetSource.window(refresh: 0.25, scrape: 1) == 4)
        #expect(try FleetQueries.matchers(fromSelector: #"{job="mcp"}"#) == #"job="mcp""#)
        #expect(try FleetQueries.matchers(fromSelector: #" job=~"a|b" "#) == #"job=~"a|b""#)
        #expect(try FleetQueries.matchers(fromSelector: "{}") == "")
        let queries = FleetQueries(matchers: #"job="mcp""#, window: "60s")
        #expect(
            queries.quantile(0.95)
                == #"histogram_quantile(0.95, sum by (le, gen_ai_tool_name) (rate(mcp_server_operation_duration_seconds_bucket{job="mcp",mcp_method_name="tools/call"}[60s])))"#
        )
        let server = try PrometheusServer(parsing: "https://prom.example.com/prometheus/graph")
        #expect(server.baseURL == "https://prom.example.com:443/prometheus")
        #expect(try PrometheusServer(parsing: "10.0.0.5").baseURL == "http://10.0.0.5:9090")
    }
}
