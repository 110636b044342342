import Engine
import Foundation
import TestSupport
import Testing

/// The file-ID cache shared by separate processes, and killed mid-write.
@Suite("FileIDCache across processes")
struct FileIDCacheProcessTests {
    /// The helper executable built beside the test bundle.
    static var writerPath: String { BuiltExecutable.path("FileCacheWriter") }

    static func writer(path: String, prefix: String, count: Int) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: writerPath)
        process.arguments = [path, prefix, String(count)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, output)
    }

    /// Writers of `count` rows each, one per prefix, all at once (spawned raw, their output in files:
    /// Foundation's `Process` and `Pipe` were seen to hand back an empty output for a writer that printed,
    /// with the suite's other tests spawning beside); their exit statuses and outputs.
    static func writers(path: String, prefixes: [String], count: Int) async throws -> [(Int32, String)] {
        try await withThrowingTaskGroup(of: (Int, Int32, String).self) { group in
            for (index, prefix) in prefixes.enumerated() {
                group.addTask {
                    let outcome = try await SpawnedCommand.run(writerPath, [path, prefix, String(count)])
                    return (index, outcome.status, outcome.output + outcome.error)
                }
            }
            var outputs: [(Int, Int32, String)] = []
            for try await output in group { outputs.append(output) }
            return outputs.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) }
        }
    }

    static func acknowledged(_ output: String) -> [(hash: String, id: String)] {
        output.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "ack" else { return nil }
            return (String(parts[1]), String(parts[2]))
        }
    }

    @Test("two processes writing the same file: every row of both is there")
    func twoProcesses() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("ids.sqlite")
        let outputs = try await Self.writers(path: path, prefixes: ["a", "b"], count: 300)
        #expect(
            outputs.allSatisfy { $0.0 == 0 && $0.1.hasSuffix("done\n") },
            "\(outputs.map { ($0.0, $0.1.split(separator: "\n").suffix(2)) })"
        )
        let cache = try FileIDCache(
            configuration: FileCacheConfiguration(ttl: nil, path: path),
            collector: MetricsCollector()
        )
        #expect(try cache.count() == 600)
        for (_, output) in outputs {
            for (hash, id) in Self.acknowledged(output) {
                #expect(try cache.fileID(sha256: hash, provider: "kimi") == id)
            }
        }
    }

    @Test("two processes creating a new file at the same moment both open it, ten times over")
    func openRace() async throws {
        for round in 0..<10 {
            let directory = try TemporaryDirectory()
            defer { directory.cleanup() }
            let path = directory.file("ids.sqlite")
            let outputs = try await Self.writers(path: path, prefixes: ["a", "b"], count: 5)
            #expect(outputs.allSatisfy { $0.0 == 0 && $0.1.hasSuffix("done\n") }, "round \(round): \(outputs)")
        }
    }

    @Test("a writer killed with SIGKILL mid-loop: the file opens and every acknowledged write is there")
    func killedWriter() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("ids.sqlite")
        let (received, reason) = try await offThePool {
            let (process, pipe) = try Self.writer(path: path, prefix: "k", count: 1_000_000)
            var received = Data()
            let reader = pipe.fileHandleForReading
            while Self.acknowledged(String(decoding: received, as: UTF8.self)).count < 300 {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                received.append(chunk)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            received.append(reader.readDataToEndOfFile())
            return (received, process.terminationReason)
        }
        #expect(reason == .uncaughtSignal)
        let acknowledged = Self.acknowledged(String(decoding: received, as: UTF8.self))
        #expect(acknowledged.count >= 300)
        let cache = try FileIDCache(
            configuration: FileCacheConfiguration(ttl: nil, path: path),
            collector: MetricsCollector()
        )
        #expect(try cache.count() >= acknowledged.count)
        var missing = 0
        for (hash, id) in acknowledged where try cache.fileID(sha256: hash, provider: "kimi") != id {
            missing += 1
        }
        #expect(missing == 0)
    }
}
