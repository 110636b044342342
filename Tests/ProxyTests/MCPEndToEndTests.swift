import Foundation
import MCP
import MetricsClient
import MetricsWire
import TestSupport
import Testing

/// A real MCP client and server (modelcontextprotocol/swift-sdk) talking through the real `dashboard proxy`:
/// what the proxy reports equals what the client saw, and every byte arrives as it was written.
@Suite("dashboard proxy: swift-sdk client and server", .timeLimit(.minutes(3)))
struct MCPEndToEndTests {
    let stateHome = NSTemporaryDirectory() + "proxy-sdk-\(UUID().uuidString)"

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = stateHome
        return environment
    }

    /// The snapshot of the only proxy writing to this test's state directory.
    func snapshot() async throws -> MetricsSnapshot {
        try JSONDecoder().decode(MetricsSnapshot.self, from: try await snapshotOutput(json: true))
    }

    /// What `dashboard snapshot` prints for that proxy: its JSON, or the summary for people.
    func snapshotOutput(json: Bool) async throws -> Data {
        let folder = stateHome + "/dashboard/instances"
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let name = try? FileManager.default.contentsOfDirectory(atPath: folder).first(where: {
                $0.hasSuffix(".json")
            }) {
                let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
                let document = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
                if let target = (document?.first?["targets"] as? [String])?.first {
                    let reader = Process()
                    reader.executableURL = URL(fileURLWithPath: BuiltExecutable.path("dashboard"))
                    reader.arguments = ["snapshot", "--attach", target] + (json ? ["--json"] : [])
                    let pipe = Pipe()
                    reader.standardOutput = pipe
                    reader.standardError = FileHandle.nullDevice
                    try reader.run()
                    let output = pipe.fileHandleForReading.readDataToEndOfFile()
                    reader.waitUntilExit()
                    return output
                }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ProxyTestError("no discovery file in \(folder)")
    }

    func text(_ result: CallTool.Result?) -> String {
        (result?.content ?? []).compactMap { content -> String? in
            if case .text(let text, _, _) = content { return text }
            return nil
        }.joined()
    }

    @Test("counts, error types, latencies, progress, server requests and peer info equal what the client saw")
    func everyTool() async throws {
        defer { try? FileManager.default.removeItem(atPath: stateHome) }
        let errorLog = stateHome + "-stderr.log"
        _ = FileManager.default.createFile(atPath: errorLog, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errorLog) }
        let peer = try await MCPPeer.start(
            executable: BuiltExecutable.path("dashboard"),
            arguments: ["proxy", "--name", "sdk", "--", BuiltExecutable.path("MCPTestServer")],
            environment: environment,
            standardError: FileHandle(forWritingAtPath: errorLog)
        )
        var clientSeconds: [String: [Double]] = [:]
        var nextNumber = 0
        func call(_ tool: String, _ arguments: [String: Value] = [:]) async throws -> MCPPeer.CallOutcome {
            // Number ids and the SDK's string ids, alternately.
            nextNumber += 1
            let outcome = try await peer.call(
                tool,
                arguments,
                id: nextNumber.isMultiple(of: 2) ? .number(nextNumber) : .random
            )
            clientSeconds[tool, default: []].append(outcome.seconds)
            return outcome
        }
        let tools = try await peer.listTools()
        for index in 0..<5 {
            #expect(text(try await call("echo", ["text": .string("hi \(index)")]).result) == "hi \(index)")
        }
        for _ in 0..<2 { #expect(text(try await call("sleep", ["ms": 100]).result) == "slept 100") }
        #expect(try await call("fail_tool").result?.isError == true)
        #expect(try await call("fail_rpc").error?.code == -32602)
        let progress = try await peer.callWithProgress("progress", ["steps": 3])
        #expect(progress.progress.count == 3)
        clientSeconds["progress"] = [progress.seconds]
        #expect(text(try await call("big", ["bytes": 5_000_000]).result).utf8.count == 5_000_000)
        #expect(text(try await call("ping_client").result) == "client answered")
        #expect(text(try await call("garbage").result) == "ok")

        let snapshot = try await snapshot()
        #expect(snapshot.engine?.mode == .proxy)
        for (tool, seconds) in clientSeconds {
            let metrics = try #require(snapshot.toolMetrics[tool], "\(tool)")
            #expect(metrics.totalCalls == seconds.count, "\(tool)")
            #expect(metrics.maxLatencyMs <= (seconds.max() ?? 0) * 1000, "\(tool): within the client's own time")
        }
        #expect(try #require(snapshot.toolMetrics["sleep"]).minLatencyMs >= 100, "at least the tool's own sleep")
        #expect(snapshot.toolMetrics["fail_tool"]?.errorTypes == ["tool_error": 1])
        #expect(snapshot.toolMetrics["fail_rpc"]?.errorTypes == ["invalid_params": 1])
        let failedByClient = 2
        #expect(snapshot.toolMetrics.values.reduce(0) { $0 + $1.failedCalls } == failedByClient)
        let mcp = try #require(snapshot.mcp)
        #expect(mcp.server.implementation == MCPPeerInfo(name: "mcp-test-server", version: "1.0.0"))
        #expect(mcp.server.client == MCPPeerInfo(name: "mcp-test-client", version: "1.0.0"))
        #expect(mcp.server.protocolVersion == peer.initializeResult.protocolVersion)
        #expect(mcp.server.executable == "MCPTestServer" && mcp.server.running)
        #expect(mcp.methodMetrics["initialize"]?.totalCalls == 1)
        #expect(mcp.methodMetrics["tools/list"]?.totalCalls == 1)
        #expect(mcp.serverRequestMetrics["roots/list"]?.successfulCalls == 1)
        #expect(mcp.protocolIssues == ["not_json": 1], "the garbage line, relayed and counted")
        #expect(mcp.toolAnnotations["echo"] == ToolAnnotations(readOnlyHint: true, idempotentHint: true))
        #expect(tools.count == 9)
        let failures = mcp.recentFailures.map(\.errorType)
        #expect(failures == ["invalid_params", "tool_error"])
        #expect(mcp.recentFailures.first?.message.contains("bad params on purpose") == true)

        let summary = String(decoding: try await snapshotOutput(json: false), as: UTF8.self)
        #expect(summary.contains("(proxy)") && summary.contains("SERVER  sdk (MCPTestServer, pid "))
        #expect(summary.contains("is mcp-test-server 1.0.0") && summary.contains("SERVER REQUESTS  roots/list 1"))
        #expect(summary.contains("HINTS (claimed by the server)  echo read-only idempotent; sleep read-only"))
        #expect(summary.contains("invalid_params  Invalid params: bad params on purpose"))

        // A crash mid-call: the client sees the connection close, the proxy exits with the server's 3.
        let crash = try await peer.call("crash", ["code": 3])
        #expect(crash.error == .connectionClosed)
        #expect(await peer.close() == 3)
        let stderr = try String(contentsOfFile: errorLog, encoding: .utf8)
        #expect(stderr.contains("1 request was waiting when the server exited (status 3)"), "\(stderr)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: stateHome + "/dashboard/instances")) ?? []
        #expect(left.filter { $0.hasSuffix(".json") }.isEmpty, "the discovery file is removed")
    }

    @Test("what the client wrote is what the server read, and what the server wrote is what the client read")
    func byteExact() async throws {
        let logs = stateHome + "-tee"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: logs)
            try? FileManager.default.removeItem(atPath: stateHome)
        }
        let server = "tee \(logs)/server-read | \(BuiltExecutable.path("MCPTestServer")) | tee \(logs)/server-wrote"
        let proxy = "\(BuiltExecutable.path("dashboard")) proxy --name tee -- /bin/sh -c '\(server)'"
        let peer = try await MCPPeer.start(
            executable: "/bin/sh",
            arguments: ["-c", "tee \(logs)/client-wrote | \(proxy) | tee \(logs)/client-read"],
            environment: environment
        )
        _ = try await peer.listTools()
        _ = try await peer.call("echo", ["text": "é ✓ \u{1F600} \"quoted\" \\ back"], id: .number(1))
        _ = try await peer.call("sleep", ["ms": 20])
        _ = try await peer.call("fail_tool", id: .number(2))
        _ = try await peer.call("fail_rpc", id: .number(3))
        _ = try await peer.callWithProgress("progress", ["steps": 2])
        _ = try await peer.call("big", ["bytes": 300_000])
        _ = try await peer.call("ping_client")
        _ = try await peer.call("garbage")
        #expect(try await snapshot().toolMetrics["garbage"]?.totalCalls == 1)
        let closed = await peer.close()
        #expect(closed == 0, "the client's pipeline exited \(closed)")
        func read(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: "\(logs)/\(name)")) }
        let clientWrote = try read("client-wrote")
        let serverWrote = try read("server-wrote")
        #expect(clientWrote.count > 1000 && serverWrote.count > 300_000)
        #expect(clientWrote == (try read("server-read")))
        #expect(serverWrote == (try read("client-read")))
        // Both kinds of id crossed, and the server's own request (roots/list) with its answer.
        let wire = String(decoding: clientWrote + serverWrote, as: UTF8.self)
        #expect(wire.contains(#""method":"roots/list""#))
        #expect(wire.contains(#""id":3"#) && wire.contains(#""id":""#))
    }
}
