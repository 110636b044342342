import AsyncHTTPClient
import Foundation
import MetricsClient
import MetricsWire
import Testing

@Suite("dashboard serve", .serialized)
struct ServeCommandTests {
    static func temporaryHome() throws -> String {
        let path = NSTemporaryDirectory() + "dashboard-home-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func port(from standardError: String) -> Int? {
        guard let range = standardError.range(of: #"serving http://[^:]+:(\d+)/metrics"#, options: .regularExpression)
        else { return nil }
        let match = standardError[range]
        return Int(match.split(separator: ":").last!.split(separator: "/").first!)
    }

    static func snapshot(port: Int) async throws -> MetricsSnapshot {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"),
            timeout: .seconds(5)
        )
        let body = try await response.body.collect(upTo: 8 << 20)
        return try JSONDecoder().decode(MetricsSnapshot.self, from: Data(body.readableBytesView))
    }

    @Test("answers promptly, shows demo calls and a lively hit rate, and exits 0 on SIGTERM")
    func serveDemo() async throws {
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let started = ContinuousClock.now
        let serve = try BinaryProcess(
            ["serve", "--port", "0", "--demo-rate", "40"],
            environment: ["HOME": home, "FILE_CACHE_PATH": home + "/ids.sqlite"],
            directory: home
        )
        #expect(try await serve.waitForError(containing: "serving http://", timeout: .seconds(10)))
        let port = try #require(Self.port(from: serve.standardError))
        _ = try await Self.snapshot(port: port)
        // Idle, the first answer comes ~50 ms after spawn (BENCHMARKS.md); the bound leaves room for a machine
        // busy with the rest of the suite, while still catching a start-up that blocks.
        #expect(ContinuousClock.now - started < .seconds(5))

        var hitRate = 0.0
        var snapshot = try await Self.snapshot(port: port)
        let deadline = ContinuousClock.now + .seconds(25)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            snapshot = try await Self.snapshot(port: port)
            hitRate = snapshot.cacheMetrics["semantic_cache"]?.hitRate ?? 0
            if hitRate >= 20, snapshot.toolMetrics.count >= 5 { break }
        }
        #expect(snapshot.engine?.mode == .serve && snapshot.engine?.demo == true)
        #expect(snapshot.toolMetrics["chat"].map { $0.totalCalls > 0 } == true)
        #expect(snapshot.systemMetrics.totalRequests > 20)
        #expect(hitRate >= 20 && hitRate <= 80, "semantic_cache hit rate \(hitRate)")
        // The generated control token went to the state file with mode 0600.
        let tokenPath = home + "/.local/state/dashboard/control-token"
        let attributes = try FileManager.default.attributesOfItem(atPath: tokenPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        #expect(try await serve.stop(signal: SIGTERM) == 0)
        #expect(serve.standardError.contains("demo workload stopped"))
    }

    @Test("SIGINT also shuts down gracefully")
    func sigint() async throws {
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let serve = try BinaryProcess(
            ["serve", "--port", "0", "--no-demo"],
            environment: ["HOME": home, "FILE_CACHE_PATH": home + "/ids.sqlite"]
        )
        #expect(try await serve.waitForError(containing: "serving http://", timeout: .seconds(10)))
        #expect(try await serve.stop(signal: SIGINT) == 0)
    }

    @Test("--host 0.0.0.0 must be asked for, and warns when no token was configured")
    func exposedHostWarns() async throws {
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let serve = try BinaryProcess(
            ["serve", "--host", "0.0.0.0", "--port", "0", "--no-demo"],
            environment: ["HOME": home, "FILE_CACHE_PATH": home + "/ids.sqlite"]
        )
        #expect(try await serve.waitForError(containing: "serving http://", timeout: .seconds(10)))
        #expect(serve.standardError.contains("warning: binding 0.0.0.0"))
        #expect(serve.standardError.contains("No METRICS_CONTROL_TOKEN is set"))
        #expect(try await serve.stop(signal: SIGTERM) == 0)
    }

    @Test("a port already in use stops start-up with one line naming the port and --port")
    func portInUse() async throws {
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = ["HOME": home, "FILE_CACHE_PATH": home + "/ids.sqlite"]
        let first = try BinaryProcess(["serve", "--port", "0", "--no-demo"], environment: environment)
        #expect(try await first.waitForError(containing: "serving http://", timeout: .seconds(10)))
        let port = try #require(Self.port(from: first.standardError))
        let second = try BinaryProcess(["serve", "--port", "\(port)", "--no-demo"], environment: environment)
        #expect(try await second.finish() == 1)
        #expect(second.standardError.contains("127.0.0.1:\(port)") && second.standardError.contains("--port"))
        #expect(try await first.stop(signal: SIGTERM) == 0)
    }

    @Test("a bad environment value stops start-up with one line naming it")
    func badEnvironment() async throws {
        let serve = try BinaryProcess(["serve", "--no-demo"], environment: ["SEMANTIC_CACHE_MAX_SIZE": "20  # MB"])
        #expect(try await serve.finish() == 78)
        let lines = serve.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("SEMANTIC_CACHE_MAX_SIZE") && lines[0].contains("20  # MB"))
    }

    @Test("--version and --help of every subcommand work")
    func help() async throws {
        for arguments in [["--version"], ["--help"], ["serve", "--help"]] {
            let process = try BinaryProcess(arguments)
            #expect(try await process.finish() == 0)
            #expect(!process.standardOutput.isEmpty)
        }
    }
}
