import Foundation
import MetricsWire
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
               {"metric":{"__name__":"dashboard_engine_info","job":"mcp","instance":"10.0.0.1:9109"},"value":[1764600000,"1"]}]}}
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
            queries.buckets
                == #"sum by (le, gen_ai_tool_name, error_type) (rate(mcp_server_operation_duration_seconds_bucket{job="mcp",mcp_method_name="tools/call"}[60s]))"#
        )
        let recorded = FleetQueries(
            matchers: #"job="mcp""#,
            window: "60s",
            rules: try FleetRecordingRules(window: "1m")
        )
        #expect(
            recorded.buckets
                == #"sum by (le, gen_ai_tool_name, error_type) (job:mcp_server_operation_duration_seconds_bucket:rate1m{job="mcp",mcp_method_name="tools/call"})"#
        )
        #expect(
            recorded.instanceRates
                == #"sum by (job, instance, error_type) (instance:mcp_server_operation_duration_seconds_count:rate1m{job="mcp",mcp_method_name="tools/call"})"#
        )
        let server = try PrometheusServer(parsing: "https://prom.example.com/prometheus/graph")
        #expect(server.baseURL == "https://prom.example.com:443/prometheus")
        #expect(try PrometheusServer(parsing: "10.0.0.5").baseURL == "http://10.0.0.5:9090")
    }

    @Test(
        "quantiles from summed bucket rates are histogram_quantile's: interpolated in the bucket, +Inf gives the last bound"
    )
    func histogramQuantile() {
        var histogram = FleetHistogram()
        // 100 calls/s: 50 at or below 0.1 s, 40 more at or below 0.5 s, 10 slower than 1 s.
        for (le, rate) in [("0.1", 50.0), ("0.5", 90.0), ("1", 90.0), ("+Inf", 100.0)] {
            histogram.add(le: le, rate: rate)
        }
        #expect(histogram.rate == 100)
        #expect(histogram.quantile(0.5) == 0.1, "rank 50 is the first bucket's top")
        #expect(abs((histogram.quantile(0.7) ?? 0) - 0.3) < 1e-12, "rank 70: halfway through 0.1…0.5")
        #expect(histogram.quantile(0.95) == 1, "in +Inf: the last finite bound")
        #expect(abs((histogram.quantile(0.25) ?? 0) - 0.05) < 1e-12, "the first bucket starts at 0")
        // Two instances' series add up per bound, in any order; a dip from rounding is made monotonic.
        var merged = FleetHistogram()
        for (le, rate) in [("+Inf", 4.0), ("0.25", 1.0), ("+Inf", 4.0), ("0.25", 3.0), ("1", 3.9), ("1", 4.0)] {
            merged.add(le: le, rate: rate)
        }
        #expect(merged.rate == 8)
        #expect(merged.quantile(1) == 1, "0.1 calls/s above 1 s: the last finite bound, as Prometheus answers")
        #expect(abs((merged.quantile(0.75) ?? 0) - (0.25 + 0.75 * 2 / 3.9)) < 1e-9)
        var rounded = FleetHistogram()
        for (le, rate) in [("0.25", 4.0), ("1", 8 - 1e-13), ("2", 8.0), ("+Inf", 8.0)] {
            rounded.add(le: le, rate: rate)
        }
        #expect(
            abs((rounded.quantile(1) ?? 0) - 1) < 1e-9,
            "a rounding error short of +Inf is not a call in the next bucket"
        )
        #expect(FleetHistogram().quantile(0.5) == nil, "no calls in the window: no percentile")
        var noInf = FleetHistogram()
        noInf.add(le: "0.5", rate: 3)
        #expect(noInf.quantile(0.5) == nil, "no +Inf bucket: not a histogram")
        var idle = FleetHistogram()
        idle.add(le: "0.5", rate: 0)
        idle.add(le: "+Inf", rate: 0)
        #expect(idle.quantile(0.5) == nil && idle.rate == 0)
    }

    @Test("recording rules are read only when all four are loaded and healthy, and the selector keeps its meaning")
    func recordingRules() throws {
        let rules = try FleetRecordingRules(window: "1m")
        #expect(rules.windowSeconds == 60)
        let all = rules.rules.map { PrometheusAPI.RecordingRule(name: $0.record, health: "ok") }
        #expect(FleetRecordingRules.loaded(in: all) == rules)
        #expect(FleetRecordingRules.loaded(in: Array(all.dropLast())) == nil, "one missing")
        #expect(
            FleetRecordingRules.loaded(
                in: all.map { .init(name: $0.name, health: $0.name.hasSuffix(":sum") ? "err" : "ok") }
            )
                == nil
        )
        let other = try FleetRecordingRules(window: "30s").rules.map {
            PrometheusAPI.RecordingRule(name: $0.record, health: "ok")
        }
        #expect(FleetRecordingRules.loaded(in: all + other)?.window == "30s", "the shortest complete window")
        #expect(
            FleetRecordingRules.loaded(in: [
                .init(name: "job:mcp_server_operation_duration_seconds_bucket:rateX", health: "ok")
            ])
                == nil
        )
        // The schedule comes along: recorded series change only at evaluations, read once each.
        let schedule = PrometheusAPI.RuleSchedule(interval: 5, lastEvaluation: 1000, duration: 1)
        let scheduled = all.map { PrometheusAPI.RecordingRule(name: $0.name, health: "ok", schedule: schedule) }
        #expect(FleetRecordingRules.loaded(in: scheduled)?.schedule == schedule)
        #expect(schedule.latestReadable(at: 1001) == 995, "the evaluation at 1000 is still being written")
        #expect(schedule.latestReadable(at: 1002.5) == 1000 && schedule.latestReadable(at: 1006.9) == 1000)
        #expect(schedule.latestReadable(at: 1007) == 1005 && schedule.latestReadable(at: 1100) == 1095)
        #expect(PrometheusAPI.time("2026-12-02T00:56:50.605061412Z") == 1_796_173_010.605061412)
        #expect(PrometheusAPI.time("2026-12-02T01:56:50+01:00") == 1_796_173_010)
        #expect(PrometheusAPI.time("yesterday") == nil)
        for bad in ["", "0s", "1 m", "1m;", "soon"] {
            #expect(throws: PollError.self, "\(bad)") { try FleetRecordingRules(window: bad) }
        }
        #expect(FleetRecordingRules.canServe(matchers: #"job="mcp",env=~"prod|staging""#))
        #expect(!FleetRecordingRules.canServe(matchers: #"job="mcp",instance="10.0.0.1:9109""#))
        #expect(!FleetRecordingRules.canServe(matchers: #"gen_ai_tool_name="search""#))
        #expect(!FleetRecordingRules.canServe(matchers: #"job="mcp", error_type!="""#))
        #expect(FleetRecordingRules.canServe(matchers: #"my_instance="a""#))
        #expect(rules.yaml.contains("record: job:mcp_server_operation_duration_seconds_bucket:rate1m"))
    }
}
