import AsyncHTTPClient
import Foundation
import MetricsClient
import MetricsWire
import TestSupport
import Testing

/// The fleet view against a real Prometheus scraping three `dashboard serve` engines: percentiles merged
/// from the summed buckets agree with the samples of all three engines combined, a stopped engine shows
/// as down while the rest keep being read, and the discovery files are `file_sd` targets as they are.
@Suite(
    "fleet through Prometheus",
    .serialized,
    .enabled(
        if: PrometheusProcess.executable != nil || ProcessInfo.processInfo.environment["CI"] != nil,
        "prometheus is not installed (apt-get install prometheus)"
    )
)
struct FleetPrometheusTests {
    static let token = "fleet-test-token"

    /// Latencies spread log-uniformly over `low` … `high` ms, from a fixed seed.
    static func latencies(seed: UInt64, count: Int, low: Double, high: Double) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)
            return (low * exp(unit * log(high / low)) * 1000).rounded() / 1000
        }
    }

    static func ingest(port: Int, _ calls: [(latency: Double, error: String?)]) async throws {
        let body = calls.map { call in
            "{\"tool\":\"search\",\"latency_ms\":\(call.latency),\"success\":\(call.error == nil)"
                + (call.error.map { ",\"error_type\":\"\($0)\"" } ?? "") + "}"
        }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/tool-calls")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(Data(("[" + body.joined(separator: ",") + "]").utf8))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status == .ok)
        _ = try await response.body.collect(upTo: 1 << 16)
    }

    /// Runs `dashboard snapshot` with `arguments`; returns its exit status, output and error output.
    static func snapshot(_ arguments: [String]) async throws -> (Int32, String, String) {
        let process = try BinaryProcess(["snapshot"] + arguments)
        let status = try await process.finish(timeout: .seconds(30))
        return (status, process.standardOutput, process.standardError)
    }

    /// The fleet JSON `dashboard snapshot --prometheus … --json` prints.
    static func fleetJSON(_ url: String, selector: String = "{job=\"mcp\"}") async throws -> [String: Any] {
        let (status, output, error) = try await snapshot(["--prometheus", url, "--selector", selector, "--json"])
        #expect(status == 0, "\(error)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    /// Checks the fleet's `search` tool against the calls of all three engines combined: its counts, and
    /// p50/p95/p99 within the width of the bucket the nearest-rank percentile falls in.
    static func expectMerged(_ json: [String: Any], samples: [Double], failures: Int) throws {
        let search = try #require((json["tool_metrics"] as? [String: Any])?["search"] as? [String: Any])
        #expect(search["total_calls"] as? Int == 1206)
        #expect(search["failed_calls"] as? Int == failures)
        let sorted = samples.sorted()
        let bounds = LatencyBuckets.standardBoundsMs.filter { $0 >= 0.1 }
        for (quantile, key) in [(0.5, "p50_latency_ms"), (0.95, "p95_latency_ms"), (0.99, "p99_latency_ms")] {
            let exact = sorted[Int((quantile * Double(sorted.count)).rounded(.up)) - 1]
            let upper = try #require(bounds.firstIndex { exact <= $0 })
            let width = bounds[upper] - (upper > 0 ? bounds[upper - 1] : 0)
            let merged = try #require(search[key] as? Double)
            #expect(
                abs(merged - exact) <= width,
                "\(key): fleet \(merged) ms, combined samples \(exact) ms, bucket \(width) ms wide"
            )
        }
    }

    @Test(
        "three engines scraped by a real Prometheus: merged p95 = the combined samples' p95 within a bucket; one stopped shows down"
    )
    func fleet() async throws {
        let home = try ServeCommandTests.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = [
            "HOME": home, "XDG_STATE_HOME": home + "/state", "METRICS_CONTROL_TOKEN": Self.token,
            "FILE_CACHE_PATH": home + "/ids.sqlite",
        ]
        var engines: [BinaryProcess] = []
        var ports: [Int] = []
        for _ in 0..<3 {
            let serve = try BinaryProcess(
                ["serve", "--port", "0", "--no-demo"],
                environment: environment,
                directory: home
            )
            #expect(try await serve.waitForError(containing: "serving http://", timeout: .seconds(15)))
            engines.append(serve)
            ports.append(try #require(ServeCommandTests.port(from: serve.standardError)))
        }
        let targets = ports.map { "'127.0.0.1:\($0)'" }.joined(separator: ", ")
        // The recording rules as the README has users save them.
        let rules = try await SpawnedCommand.run(BinaryProcess.path, ["prometheus-rules"])
        #expect(rules.status == 0, "\(rules.error)")
        try rules.output.write(toFile: home + "/dashboard-rules.yml", atomically: true, encoding: .utf8)
        // The three-line job of the README: every discovery file is a file_sd target as it is.
        let prometheus = try await PrometheusProcess(
            configuration: """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: ['\(home)/dashboard-rules.yml']
                scrape_configs:
                  - job_name: mcp
                    static_configs:
                      - targets: [\(targets)]
                  - job_name: local
                    file_sd_configs:
                      - files: ['\(home)/state/dashboard/instances/*.json']
                """,
            directory: home
        )
        defer { prometheus.stop() }

        // Every outcome's series exists before the measured calls, so rate() counts all of them.
        for port in ports { try await Self.ingest(port: port, [(5, nil), (5, "timeout")]) }
        let selector = "{job=\"mcp\",gen_ai_tool_name=\"search\"}"
        var deadline = ContinuousClock.now + .seconds(30)
        while try await prometheus.scalar("sum(mcp_server_operation_duration_seconds_count\(selector))") != 6,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(2))

        var combined: [Double] = []
        var failures = 0
        for (index, port) in ports.enumerated() {
            // A fast, a middling and a slow replica: their own percentiles averaged would be far off.
            let (low, high) = [(1.0, 30.0), (10.0, 300.0), (100.0, 3000.0)][index]
            let latencies = Self.latencies(seed: UInt64(index + 1) * 7_919, count: 400, low: low, high: high)
            let calls = latencies.enumerated().map { offset, latency in
                (latency: latency, error: offset % 20 == 7 ? "timeout" : nil as String?)
            }
            failures += calls.filter { $0.error != nil }.count
            combined += latencies
            try await Self.ingest(port: port, calls)
        }
        deadline = ContinuousClock.now + .seconds(30)
        while try await prometheus.scalar("sum(mcp_server_operation_duration_seconds_count\(selector))") != 1206,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(100))
        }

        // A selector on the tool name reads the raw series (the rules sum some labels away): over a
        // window of max(1 s refresh + 1 s scrape, 4 × 1 s), so only the measured calls count.
        let raw = try await Self.fleetJSON(prometheus.url, selector: selector)
        let rawFleet = try #require(raw["fleet"] as? [String: Any])
        #expect(rawFleet["window_seconds"] as? Double == 4, "max(1 s refresh + 1 s scrape, 4 × 1 s)")
        #expect(rawFleet["scrape_interval_seconds"] as? Double == 1)
        #expect(rawFleet["recording_rules"] == nil)
        try Self.expectMerged(raw, samples: combined, failures: failures + 3)

        // With the rules evaluated after the last call, {job="mcp"} reads the recorded series: over the
        // rules' 1m window, which also holds the six 5 ms calls made first.
        deadline = ContinuousClock.now + .seconds(30)
        while try await prometheus.scalar("sum(job:mcp_server_operation_duration_seconds_count:sum\(selector))")
            != 1206,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(100))
        }
        let json = try await Self.fleetJSON(prometheus.url)
        let fleet = try #require(json["fleet"] as? [String: Any])
        #expect(fleet["recording_rules"] as? Bool == true && fleet["window_seconds"] as? Double == 60, "\(fleet)")
        let instances = try #require(fleet["instances"] as? [[String: Any]])
        #expect(instances.count == 3 && instances.allSatisfy { $0["up"] as? Bool == true }, "\(instances)")
        #expect(
            instances.allSatisfy { ($0["calls_per_second"] as? Double ?? 0) > 0 },
            "each instance's rate from its recorded series: \(instances)"
        )
        try Self.expectMerged(json, samples: combined + Array(repeating: 5, count: 6), failures: failures + 3)

        // The percentiles are histogram_quantile's own: the same as Prometheus computes from the same
        // recorded series (read until both fall between the same two rule evaluations).
        let recorded =
            "job:mcp_server_operation_duration_seconds_bucket:rate1m{job=\"mcp\",gen_ai_tool_name=\"search\"}"
        var agreed = false
        for _ in 0..<5 where !agreed {
            let search = try #require(
                (try await Self.fleetJSON(prometheus.url)["tool_metrics"] as? [String: Any])?["search"]
                    as? [String: Any]
            )
            var same = true
            for (quantile, key) in [(0.5, "p50_latency_ms"), (0.95, "p95_latency_ms"), (0.99, "p99_latency_ms")] {
                let theirs =
                    try await prometheus.scalar("histogram_quantile(\(quantile), sum by (le) (\(recorded)))") ?? -1
                same = same && abs((search[key] as? Double ?? 0) - theirs * 1000) <= 0.01
            }
            agreed = same
        }
        #expect(agreed, "the fleet's p50/p95/p99 are Prometheus's histogram_quantile of the recorded buckets")

        // The discovery files (written by each `serve`) are scraped as they are.
        deadline = ContinuousClock.now + .seconds(30)
        var discovered = 0.0
        while ContinuousClock.now < deadline {
            discovered = try await prometheus.scalar("sum(up{job=\"local\"})") ?? 0
            if discovered == 3 { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(discovered == 3, "file_sd found \(discovered) of the 3 engines' discovery files")

        // One engine gone: it shows as down, with Prometheus's reason, and the fleet is still read.
        let stopped = ports[0]
        kill(engines[0].process.processIdentifier, SIGKILL)
        // Its port is taken at once (bound, never listened on: it refuses), so no other test's server
        // started on an ephemeral port can answer Prometheus there in its place.
        let holder = try await RefusingPort(port: stopped)
        defer { holder.release() }
        deadline = ContinuousClock.now + .seconds(60)
        var after: [[String: Any]] = []
        while ContinuousClock.now < deadline {
            after =
                try #require((try await Self.fleetJSON(prometheus.url))["fleet"] as? [String: Any])["instances"]
                as? [[String: Any]] ?? []
            if after.contains(where: {
                $0["instance"] as? String == "127.0.0.1:\(stopped)" && $0["up"] as? Bool == false
            }) {
                break
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        let down = after.first { $0["instance"] as? String == "127.0.0.1:\(stopped)" }
        if down?["up"] as? Bool != false {
            // What Prometheus itself says of its scrapes, for a run where it did not see the stop.
            let targets = (try? await prometheus.get("/api/v1/targets?state=active")).map {
                String(decoding: $0, as: UTF8.self)
            }
            let log = (try? String(contentsOfFile: home + "/prometheus.log", encoding: .utf8)) ?? ""
            Issue.record("Prometheus's targets: \(targets ?? "none")\nits log: \(log.suffix(3000))")
        }
        #expect(down?["up"] as? Bool == false, "\(after)")
        #expect(after.filter { $0["up"] as? Bool == true }.count == 2)
        let (textStatus, text, _) = try await Self.snapshot([
            "--prometheus", prometheus.url, "--selector", "{job=\"mcp\"}",
        ])
        #expect(textStatus == 0)
        #expect(
            text.contains("3 instance(s), 2 up") && text.contains("127.0.0.1:\(stopped)") && text.contains("DOWN"),
            "\(text)"
        )
        #expect(text.contains("search"), "the tools are still read: \(text)")

        // A refused query says what Prometheus said, and exits 2.
        let (badStatus, _, badError) = try await Self.snapshot([
            "--prometheus", prometheus.url, "--selector", "{job=~\"(mcp\"}",
        ])
        #expect(badStatus == 2 && badError.contains("Prometheus refused the query"), "\(badError)")

        // Prometheus gone: one line, exit 1.
        prometheus.stop()
        let (goneStatus, _, goneError) = try await Self.snapshot(["--prometheus", prometheus.url])
        #expect(goneStatus == 1 && goneError.contains("connection refused"), "\(goneError)")
        for engine in engines { _ = try await engine.stop(signal: SIGKILL) }
    }

    @Test("a Prometheus that accepts and never answers times out with one line; bad addresses are refused")
    func blackholeAndBadInput() async throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        listen(listener, 16)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let started = ContinuousClock.now
        let hung = try BinaryProcess(["snapshot", "--prometheus", "127.0.0.1:\(port)", "--timeout", "1"])
        while hung.process.isRunning, ContinuousClock.now - started < .seconds(30) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let exitedAfter = ContinuousClock.now - started
        let status = try await hung.finish()
        let error = hung.standardError
        #expect(
            status == 1 && (error.contains("timed out") || error.contains("no complete response")),
            "\(status): \(error)"
        )
        // The targets call and the queries each wait their 1 s; the rest is start-up and shutdown.
        #expect(exitedAfter < .seconds(10), "snapshot took \(exitedAfter) against a server that never answers")

        for (arguments, expected) in [
            (["--prometheus", "http://admin:hunter2@127.0.0.1:9090"], "credentials in the URL are not supported"),
            (["--prometheus", "ftp://127.0.0.1:9090"], "only http and https"),
            (["--prometheus", "http://127.0.0.1:9090/?q=1"], "query or a fragment"),
            (["--prometheus", "127.0.0.1:9090", "--selector", "{job=\"mcp\""], "never closes it"),
            (["--prometheus", "127.0.0.1:9090", "--selector", "up"], "has no label matcher"),
            (["--selector", "{job=\"mcp\"}"], "add --prometheus URL"),
            (["--prometheus", "127.0.0.1:9090", "--attach", "127.0.0.1:9109"], "give one"),
        ] {
            let (badStatus, _, badError) = try await Self.snapshot(arguments)
            #expect(badStatus == 64 && badError.contains(expected), "\(arguments): \(badError)")
            #expect(!badError.contains("hunter2"), "a password is never echoed")
        }
        for window in ["soon", "0s", "1m;", "5x"] {
            let rules = try await SpawnedCommand.run(BinaryProcess.path, ["prometheus-rules", "--window", window])
            #expect(
                rules.status == 64 && rules.error.contains("is not a Prometheus duration of at least 1s"),
                "\(window): \(rules.status) \(rules.error)"
            )
        }
    }

    @Test("the printed recording rules pass promtool check rules, for any window")
    func rulesFile() async throws {
        let home = try ServeCommandTests.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let rules = try await SpawnedCommand.run(BinaryProcess.path, ["prometheus-rules", "--window", "2m30s"])
        #expect(rules.status == 0)
        #expect(rules.output.contains("record: job:mcp_server_operation_duration_seconds_bucket:rate2m30s"))
        #expect(rules.output.contains("rate(mcp_server_operation_duration_seconds_bucket[2m30s])"))
        try rules.output.write(toFile: home + "/rules.yml", atomically: true, encoding: .utf8)
        let check = try await SpawnedCommand.run(
            PrometheusProcess.promtool ?? "/usr/bin/promtool",
            ["check", "rules", home + "/rules.yml"]
        )
        #expect(check.status == 0 && check.output.contains("SUCCESS: 4 rules found"), "\(check.output)\(check.error)")
    }
}
