import Foundation
import MetricsClient
import MetricsWire
import TestSupport
import Testing

/// The real proxy binary against peers that misbehave on purpose: every byte still arrives, exit statuses
/// follow the shell's rules, and nothing is left running.
@Suite("dashboard proxy: faults", .serialized, .timeLimit(.minutes(3)))
struct ProxyFaultTests {
    @Test("bytes arrive unchanged both ways: a batch, invalid UTF-8, a non-JSON line, colliding ids, CRLF")
    func byteExact() async throws {
        let proxy = try ProxyProcess(server: ProxyProcess.peer("raw"))
        var sent: [UInt8] = []
        let lines: [[UInt8]] = [
            Array(toolCall(id: "1", tool: "a").utf8),
            Array(toolCall(id: "\"1\"", tool: "b").utf8),
            Array(#"[{"jsonrpc":"2.0","id":2,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/x"}]"#.utf8),
            Array(#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"caf"#.utf8) + [0xC3, 0x28, 0xFF]
                + Array(#""}}"#.utf8),
            Array("this is not json".utf8),
            Array(#"{"jsonrpc":"2.0","id":4,"method":"ping"}"#.utf8) + [0x0D],
            Array(#"{ "jsonrpc" : "2.0" , "id" : 5.0 , "method" : "ping" }"#.utf8),
        ]
        for line in lines {
            sent += line + [0x0A]
        }
        // In pieces that split lines and multi-byte sequences.
        var offset = 0
        for size in [3, 1, 70, 2, 500, 9, 4096] where offset < sent.count {
            let end = min(sent.count, offset + size)
            proxy.send(Array(sent[offset..<end]))
            offset = end
            try await Task.sleep(for: .milliseconds(5))
        }
        proxy.send(Array(sent[offset...]))
        #expect(await proxy.waitForOutput { $0.count >= sent.count })
        #expect(proxy.bytes == sent)
        let snapshot = try await proxy.snapshot(until: { ($0.mcp?.protocolIssues["not_json"] ?? 0) >= 2 })
        // The raw peer echoes: each line is seen from both sides.
        #expect(snapshot.mcp?.protocolIssues["not_json"] == 2)
        #expect(snapshot.mcp?.protocolIssues["batch"] == 2)
        proxy.closeInput()
        #expect(await proxy.exitStatus() == 0)
    }

    @Test("a server that exits 3 makes the proxy exit 3; the waiting call is reported as server_exited")
    func exitStatus() async throws {
        let proxy = try ProxyProcess(server: ProxyProcess.peer("exit", "3"))
        proxy.send(line: toolCall(id: "1", tool: "t"))
        #expect(await proxy.exitStatus() == 3)
        #expect(proxy.bytes.isEmpty)
        #expect(proxy.standardError.contains("1 request was waiting"), "\(proxy.standardError)")
    }

    @Test("a server killed with SIGKILL mid-call: exit 137, the call ends server_exited, the file is removed")
    func serverKilled() async throws {
        let proxy = try ProxyProcess(server: ProxyProcess.peer("hold", "2"))
        proxy.send(line: toolCall(id: "1", tool: "slow"))
        let snapshot = try await proxy.snapshot(until: { $0.mcp?.inFlightCount == 1 })
        let pid = try #require(snapshot.mcp?.server.pid)
        let file = try await proxy.discovery().path
        kill(Int32(pid), SIGKILL)
        #expect(await proxy.exitStatus() == 137)
        #expect(proxy.standardError.contains("1 request was waiting"))
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test("SIGTERM to the proxy reaches the server; one that ignores it is killed after the grace")
    func termIgnored() async throws {
        let proxy = try ProxyProcess(options: ["--grace", "300ms"], server: ProxyProcess.peer("ignore-term"))
        let snapshot = try await proxy.snapshot(until: { $0.mcp?.server.pid != nil })
        let pid = Int32(try #require(snapshot.mcp?.server.pid))
        let start = ContinuousClock.now
        kill(proxy.process.processIdentifier, SIGTERM)
        #expect(await proxy.exitStatus(timeout: .seconds(10)) == 137)
        #expect(ContinuousClock.now - start >= .milliseconds(300))
        #expect(ContinuousClock.now - start < timeBound(.seconds(5)))
        #expect(!isAlive(pid))
    }

    @Test("kill -9 of the proxy takes the server with it")
    func proxyKilled() async throws {
        let proxy = try ProxyProcess(server: ProxyProcess.peer("echo"))
        let snapshot = try await proxy.snapshot(until: { $0.mcp?.server.pid != nil })
        let pid = Int32(try #require(snapshot.mcp?.server.pid))
        #expect(isAlive(pid))
        let file = try await proxy.discovery().path
        let found = try LocalInstances.read(file).get()
        #expect(found.pid == proxy.process.processIdentifier && found.server == "ProxyTestPeer")
        kill(proxy.process.processIdentifier, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(5)
        while isAlive(pid), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!isAlive(pid))
        // A proxy killed outright cannot remove its file; readers skip it because its process is gone.
        _ = await proxy.exitStatus()
        let folder = (file as NSString).deletingLastPathComponent
        let (instances, problems) = LocalInstances.scan(folders: [folder])
        #expect(instances.isEmpty)
        #expect(problems == ["\(file): process \(found.pid) is gone; skipped"])
    }

    @Test("a command that is not found exits 127, one that is not executable 126, each with one line")
    func cannotStart() async throws {
        let missing = try ProxyProcess(server: ["no-such-server-\(UUID().uuidString.prefix(8))"])
        #expect(await missing.exitStatus() == 127)
        #expect(missing.standardError.contains("command not found"))
        #expect(missing.standardError.split(separator: "\n").count == 1)
        let directory = NSTemporaryDirectory() + "proxy-126-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/server.sh"
        try Data("#!/bin/sh\nexit 0\n".utf8).write(to: URL(fileURLWithPath: script))
        let notExecutable = try ProxyProcess(server: [script])
        #expect(await notExecutable.exitStatus() == 126)
        #expect(notExecutable.standardError.contains("not executable"))
        #expect(missing.bytes.isEmpty && notExecutable.bytes.isEmpty)
    }

    @Test("the client closing stdin mid-call closes the server's stdin; the proxy exits with it")
    func clientCloses() async throws {
        let proxy = try ProxyProcess(server: ProxyProcess.peer("hold", "2"))
        proxy.send(line: toolCall(id: "1", tool: "slow"))
        _ = try await proxy.snapshot(until: { $0.mcp?.inFlightCount == 1 })
        proxy.closeInput()
        #expect(await proxy.exitStatus() == 0)
        #expect(proxy.standardError.contains("1 request was waiting"))
    }

    @Test("10 000 requests in flight at once are all tracked, then all answered")
    func tenThousandInFlight() async throws {
        let proxy = try ProxyProcess(server: ProxyProcess.peer("hold", "10001"))
        var batch = ""
        for id in 0..<10_000 { batch += toolCall(id: "\(id)", tool: "many") + "\n" }
        proxy.send(Array(batch.utf8))
        let waiting = try await proxy.snapshot(until: { $0.mcp?.inFlightCount == 10_000 })
        #expect(waiting.mcp?.inFlightCount == 10_000)
        #expect(waiting.mcp?.inFlight.count == MCPMetrics.maxListed)
        proxy.send(line: toolCall(id: "\"last\"", tool: "many"))
        #expect(await proxy.waitForLines(10_001))
        let done = try await proxy.snapshot(until: { $0.toolMetrics["many"]?.totalCalls == 10_001 })
        #expect(done.toolMetrics["many"]?.successfulCalls == 10_001)
        #expect(done.mcp?.inFlightCount == 0)
        proxy.closeInput()
        #expect(await proxy.exitStatus() == 0)
    }

    @Test("a 64 MiB response arrives intact and is counted, its body never parsed")
    func hugeResponse() async throws {
        let size = 64 * 1024 * 1024
        let proxy = try ProxyProcess(server: ProxyProcess.peer("big", "\(size)"))
        proxy.send(line: toolCall(id: "7", tool: "dump"))
        #expect(await proxy.waitForLines(1, timeout: .seconds(60)))
        let expected =
            Array(#"{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":""#.utf8)
            + [UInt8](repeating: UInt8(ascii: "x"), count: size) + Array(#""}]}}"#.utf8) + [0x0A]
        let bytes = proxy.bytes
        #expect(bytes.count == expected.count)
        let same = bytes.withUnsafeBytes { got in
            expected.withUnsafeBytes { want in
                got.count == want.count && memcmp(got.baseAddress!, want.baseAddress!, got.count) == 0
            }
        }
        #expect(same, "the 64 MiB answer arrives byte for byte")
        let snapshot = try await proxy.snapshot(until: { $0.toolMetrics["dump"] != nil })
        #expect(snapshot.toolMetrics["dump"]?.successfulCalls == 1)
        #expect(snapshot.mcp?.protocolIssues == ["oversized_line": 1])
        proxy.closeInput()
        #expect(await proxy.exitStatus() == 0)
    }

    @Test("a server writing one byte per millisecond: the answer is whole and timed to its last byte")
    func drip() async throws {
        let proxy = try ProxyProcess(server: ProxyProcess.peer("drip"))
        proxy.send(line: toolCall(id: "\"d\"", tool: "drip"))
        #expect(await proxy.waitForLines(1))
        #expect(proxy.lines == [#"{"jsonrpc":"2.0","id":"d","result":{"content":[{"type":"text","text":"ok"}]}}"#])
        let snapshot = try await proxy.snapshot(until: { $0.toolMetrics["drip"] != nil })
        let latency = try #require(snapshot.toolMetrics["drip"]?.maxLatencyMs)
        #expect(latency >= 70, "the answer's 71 bytes take at least 70 ms")
        proxy.closeInput()
        #expect(await proxy.exitStatus() == 0)
    }

    @Test("a cancelled call counts as cancelled; a cached tool's repeat is answered by the proxy")
    func cancelAndCache() async throws {
        let proxy = try ProxyProcess(options: ["--cache", "lookup=1m"], server: ProxyProcess.peer("echo"))
        proxy.send(line: toolCall(id: "1", tool: "never"))
        proxy.send(line: #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#)
        proxy.send(line: toolCall(id: "2", tool: "lookup", arguments: #"{"q":"x","n":1}"#))
        #expect(await proxy.waitForLines(1))
        // The answer is stored as it is observed, just after it was relayed: a repeat sent the instant the
        // answer arrives may still miss. Once the call is counted, it is stored.
        _ = try await proxy.snapshot(until: { $0.toolMetrics["lookup"]?.totalCalls == 1 })
        proxy.send(line: toolCall(id: "3", tool: "lookup", arguments: #"{"n":1.0, "q":"x"}"#))
        #expect(await proxy.waitForLines(2))
        #expect(proxy.lines.last == #"{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"ok"}]}}"#)
        let snapshot = try await proxy.snapshot(until: { $0.toolMetrics["lookup"]?.totalCalls == 2 })
        #expect(snapshot.toolMetrics["never"]?.errorTypes == ["cancelled": 1])
        #expect(snapshot.cacheMetrics["semantic_cache"]?.hits == 1)
        proxy.closeInput()
        #expect(await proxy.exitStatus() == 0)
    }

    @Test("a client that stops reading holds the server back: nothing is lost, the proxy's memory stays flat")
    func slowClient() async throws {
        let size = 32 * 1024 * 1024
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltExecutable.path("dashboard"))
        process.arguments = ["proxy", "--"] + ProxyProcess.peer("big", "\(size)")
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = NSTemporaryDirectory() + "proxy-slow-\(UUID().uuidString)"
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        try await Task.sleep(for: .seconds(1))
        let before = try residentBytes(process.processIdentifier)
        input.fileHandleForWriting.write(Data((toolCall(id: "1", tool: "dump") + "\n").utf8))
        // Nobody reads: the pipe fills, the proxy's write blocks, and so does its read of the server.
        try await Task.sleep(for: .seconds(2))
        let during = try residentBytes(process.processIdentifier)
        #expect(during - before < 8 * 1024 * 1024, "grew \(during - before) bytes while the client did not read")
        let received = try await offThePool {
            var count = 0
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return count }
                count += chunk.count
                if chunk.last == 0x0A { return count }
            }
        }
        #expect(received == size + 74)
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}

/// The resident set size of a process, from /proc.
func residentBytes(_ pid: Int32) throws -> Int {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
    else { throw ProxyTestError("no VmRSS for \(pid)") }
    return kilobytes * 1024
}
