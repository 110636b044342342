import Foundation
import MetricsClient
import MetricsWire
import Testing

/// `dashboard snapshot`, in the serve suite so that the two never start engines at the same time (the serve
/// tests time the engine's start-up).
extension ServeCommandTests {
    /// Runs the binary to completion (at most `limit`), returning status and output.
    static func runToEnd(
        _ arguments: [String],
        limit: Duration = .seconds(20)
    ) async throws -> (
        status: Int32, output: String, error: String
    ) {
        let process = try BinaryProcess(arguments)
        do {
            // Until it exits and both pipes are read to their end: a large --json can still be in the pipe
            // when the process is gone.
            let status = try await process.finish(timeout: limit)
            return (status, process.standardOutput, process.standardError)
        } catch {
            _ = try await process.stop(signal: SIGKILL)
            Issue.record("dashboard \(arguments.joined(separator: " ")) did not finish: \(error)")
            return (process.process.terminationStatus, process.standardOutput, process.standardError)
        }
    }

    @Test("snapshot against a running engine: a summary, the JSON, and clear failures with exit codes 1 and 2")
    func snapshotAgainstServe() async throws {
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let serve = try BinaryProcess(
            ["serve", "--port", "0", "--demo-rate", "50"],
            environment: ["HOME": home, "FILE_CACHE_PATH": home + "/ids.sqlite"],
            directory: home
        )
        #expect(try await serve.waitForError(containing: "serving http://", timeout: .seconds(10)))
        let port = try #require(Self.port(from: serve.standardError))
        // The demo's calls take their simulated latency: wait for the first to be recorded (a loaded machine
        // took over a second), so that the summary has a tool to show.
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let probe = try await Self.runToEnd(["snapshot", "--attach", "127.0.0.1:\(port)", "--json"])
            let seen = try? JSONDecoder().decode(MetricsSnapshot.self, from: Data(probe.output.utf8))
            if let seen, seen.systemMetrics.totalRequests > 0, !seen.toolMetrics.isEmpty { break }
            try await Task.sleep(for: .milliseconds(200))
        }

        let text = try await Self.runToEnd(["snapshot", "--attach", "127.0.0.1:\(port)"])
        #expect(text.status == 0, "\(text.error)")
        #expect(text.output.hasPrefix("dashboard-engine "), "\(text.output)")
        #expect(text.output.contains("(serve, demo) at 127.0.0.1:\(port)"))
        #expect(text.output.contains("TOOL") && text.output.contains("P95") && text.output.contains("CACHE"))
        #expect(text.output.contains("semantic_cache"))
        #expect(text.error.isEmpty)

        let json = try await Self.runToEnd(["snapshot", "--attach", "127.0.0.1:\(port)", "--json"])
        #expect(json.status == 0, "\(json.error)")
        let snapshot = try JSONDecoder().decode(MetricsSnapshot.self, from: Data(json.output.utf8))
        #expect(snapshot.engine?.mode == .serve && snapshot.enabled)
        #expect(snapshot.systemMetrics.totalRequests > 0)

        let missing = try await Self.runToEnd(["snapshot", "--attach", "http://127.0.0.1:\(port)/nothing-here"])
        #expect(missing.status == 2)
        let lines = missing.error.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("HTTP 404") && lines[0].contains("no such endpoint"))
        #expect(missing.output.isEmpty)

        #expect(try await serve.stop(signal: SIGTERM) == 0)

        let refused = try await Self.runToEnd(["snapshot", "--attach", "127.0.0.1:\(port)", "--timeout", "2"])
        #expect(refused.status == 1)
        let refusedLines = refused.error.split(separator: "\n")
        #expect(refusedLines.count == 1 && refusedLines[0].contains("connection refused"), "\(refused.error)")
    }

    @Test("snapshot --help explains the flags and the exit codes; a bad --attach is a usage error")
    func snapshotHelp() async throws {
        let help = try await Self.runToEnd(["snapshot", "--help"])
        #expect(help.status == 0)
        for word in ["--attach", "--json", "--bearer-token", "--timeout", "127.0.0.1:9109", "Exit status"] {
            #expect(help.output.contains(word), "missing \(word)")
        }
        let bad = try await Self.runToEnd(["snapshot", "--attach", "host:99999"])
        #expect(bad.status == 64)
        #expect(bad.error.contains("the port must be a number from 1 to 65535"))
    }
}
