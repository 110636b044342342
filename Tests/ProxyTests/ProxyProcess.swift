import Foundation
import MetricsClient
import MetricsWire
import Synchronization
import TestSupport

/// The real `dashboard proxy` binary in front of a server command, driven through its stdin and stdout as an
/// MCP client would, with its own state directory (so its discovery file is found and removed in isolation).
final class ProxyProcess: Sendable {
    let process: Process
    let stateHome: String
    private let input: FileHandle
    private let sink = Sink()

    /// What the proxy wrote, collected by the pipes' reader threads.
    private final class Sink: Sendable {
        let output = Guarded<[UInt8]>([])
        let newlines = Atomic<Int>(0)
        let errors = Guarded<String>("")
        /// Pipes whose end was read (stdout, stderr): after the process exits, what it wrote is all in.
        let ended = Atomic<Int>(0)
    }

    /// Starts `dashboard proxy <options> -- <server…>`, with `environment` added to the test's own.
    init(options: [String] = [], server: [String], environment added: [String: String] = [:]) throws {
        stateHome = NSTemporaryDirectory() + "proxy-state-\(UUID().uuidString)"
        process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltExecutable.path("dashboard"))
        process.arguments = ["proxy"] + options + ["--"] + server
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = stateHome
        environment.merge(added) { _, new in new }
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        input = stdin.fileHandleForWriting
        let sink = sink
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                sink.ended.add(1, ordering: .releasing)
            } else {
                sink.output.withLock { $0.append(contentsOf: data) }
                sink.newlines.add(countNewlines(data), ordering: .releasing)
            }
        }
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                sink.ended.add(1, ordering: .releasing)
            } else {
                sink.errors.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
        try process.run()
    }

    /// A peer executable built beside the tests.
    static func peer(_ arguments: String...) -> [String] {
        [BuiltExecutable.path("ProxyTestPeer")] + arguments
    }

    /// Writes bytes to the proxy's stdin.
    func send(_ bytes: [UInt8]) {
        input.write(Data(bytes))
    }

    /// Writes a line (a newline is added).
    func send(line: String) {
        send(Array((line + "\n").utf8))
    }

    /// Closes the proxy's stdin, as a client that is done does.
    func closeInput() {
        try? input.close()
    }

    /// Everything the proxy wrote to stdout so far.
    var bytes: [UInt8] { sink.output.withLock { $0 } }

    /// The proxy's stdout so far, split in lines.
    var lines: [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Everything the proxy (and the server) wrote to stderr so far.
    var standardError: String { sink.errors.withLock { $0 } }

    /// Waits until `condition` holds on the output, up to `timeout`.
    func waitForOutput(timeout: Duration = .seconds(20), _ condition: ([UInt8]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if sink.output.withLock({ condition($0) }) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return sink.output.withLock { condition($0) }
    }

    /// Waits for `count` newline-terminated lines.
    func waitForLines(_ count: Int, timeout: Duration = .seconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while sink.newlines.load(ordering: .acquiring) < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return sink.newlines.load(ordering: .acquiring) >= count
    }

    /// Waits for the proxy to exit; its status, or nil on timeout.
    func exitStatus(timeout: Duration = .seconds(20)) async -> Int32? {
        guard let status = await ChildExit.wait(for: process, timeout: timeout) else {
            sink.errors.withLock {
                $0 += "\n[test] still running after \(timeout): \(ChildExit.describe(process.processIdentifier))"
            }
            return nil
        }
        // Its last words may still be in the pipes: wait (briefly; a grandchild may hold them) for their end.
        let drained = ContinuousClock.now + .seconds(2)
        while sink.ended.load(ordering: .acquiring) < 2, ContinuousClock.now < drained {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return status
    }

    /// The discovery file's path and the endpoint port in it, once written.
    func discovery(timeout: Duration = .seconds(20)) async throws -> (path: String, port: Int) {
        let folder = stateHome + "/dashboard/instances"
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let name = try? FileManager.default.contentsOfDirectory(atPath: folder).first(where: {
                $0.hasSuffix("-\(process.processIdentifier).json")
            }) {
                let path = folder + "/" + name
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                let document = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
                if let target = (document?.first?["targets"] as? [String])?.first,
                    let port = Int(target.split(separator: ":").last ?? "")
                {
                    return (path, port)
                }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ProxyTestError("no discovery file in \(folder) after \(timeout); stderr: \(standardError)")
    }

    /// One `/metrics` snapshot, read with the real `dashboard snapshot --json`.
    func snapshot() async throws -> MetricsSnapshot {
        let port = try await discovery().port
        // On a thread of its own: waiting for the command must not hold one of the few threads every
        // test's tasks share.
        let reader = try await SpawnedCommand.run(
            BuiltExecutable.path("dashboard"),
            ["snapshot", "--attach", "127.0.0.1:\(port)", "--json"]
        )
        guard reader.status == 0 else {
            throw ProxyTestError("dashboard snapshot exited \(reader.status): \(reader.error)")
        }
        let data = Data(reader.output.utf8)
        return try JSONDecoder().decode(MetricsSnapshot.self, from: data)
    }

    /// Polls snapshots until `condition` holds, up to `timeout`; the last snapshot.
    func snapshot(
        until condition: (MetricsSnapshot) -> Bool,
        timeout: Duration = .seconds(20)
    ) async throws -> MetricsSnapshot {
        let deadline = ContinuousClock.now + timeout
        var last = try await snapshot()
        while !condition(last), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            last = try await snapshot()
        }
        return last
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: stateHome)
    }
}

/// A test precondition that did not hold, with what was seen.
struct ProxyTestError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The newlines in `data`, found with `memchr` (a byte loop is slow in a debug build).
func countNewlines(_ data: Data) -> Int {
    data.withUnsafeBytes { raw in
        guard var cursor = raw.baseAddress else { return 0 }
        let end = cursor + raw.count
        var count = 0
        while cursor < end, let found = memchr(cursor, 0x0A, end - cursor) {
            count += 1
            cursor = UnsafeRawPointer(found) + 1
        }
        return count
    }
}

/// Whether a process is alive (a zombie waiting to be reaped is not).
func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    return stat[stat.index(close, offsetBy: 2)] != "Z"
}

/// A tools/call request line.
func toolCall(id: String, tool: String, arguments: String = "{}") -> String {
    #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":\#(arguments)}}"#
}
