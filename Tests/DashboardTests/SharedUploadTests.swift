import Engine
import Foundation
import Logging
import ServiceLifecycle
import TestSupport
import Testing

/// `dashboard upload` in two processes with separate SQLite files and one real PostgreSQL
/// (`FILE_CACHE_URL`): what one uploaded, the other finds cached.
@Suite("dashboard upload sharing file ids through PostgreSQL")
struct SharedUploadTests {
    @Test("a second replica finds the files cached; a store that refuses or is down never fails an upload")
    func replicasShareFileIDs() async throws {
        let server = try await PostgresServer()
        defer { Task { await server.destroy() } }
        let logger = Logger(label: "shared-upload-test")
        let sandbox = try FilesSandbox(configuration: SandboxConfiguration(latency: .milliseconds(5)), logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [sandbox], logger: logger))
        let running = Task { try await group.run() }
        defer {
            Task { await group.triggerGracefulShutdown() }
            running.cancel()
        }
        let filesURL = try await sandbox.baseURL()
        let directory = NSTemporaryDirectory() + "shared-upload-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = ["a.txt", "b.txt"].map { directory + "/" + $0 }
        for (index, file) in files.enumerated() {
            try Data(String(repeating: "shared \(index) ", count: 4000).utf8).write(to: URL(fileURLWithPath: file))
        }
        func upload(replica: String, url: String) async throws -> (Int32, String) {
            let run = try BinaryProcess(
                ["upload", "--no-content", "--files-url", filesURL] + files,
                // A generous deadline: the suite's other tests share two cores with these processes.
                environment: [
                    "FILE_CACHE_PATH": "\(directory)/\(replica).sqlite", "FILE_CACHE_URL": url,
                    "SHARED_CACHE_TIMEOUT_MS": "5000",
                ]
            )
            let status = try await run.finish()
            // The table (standard output) first, then the progress lines.
            let output = run.standardOutput + run.standardError
            #expect(!output.contains(server.password), "\(output)")
            return (status, output)
        }
        let (first, firstOutput) = try await upload(replica: "one", url: server.url)
        #expect(first == 0, "\(firstOutput)")
        #expect(Self.tableRows(firstOutput, state: "done").count == 2, "\(firstOutput)")
        #expect(try await server.psql("SELECT count(*) FROM dashboard_file_ids") == "2")
        let (second, secondOutput) = try await upload(replica: "two", url: server.url)
        #expect(second == 0, "\(secondOutput)")
        let cachedRows = Self.tableRows(secondOutput, state: "cached")
        #expect(cachedRows.count == 2, "\(secondOutput)")
        #expect(sandbox.stats.uploadsStarted == 2, "the second replica uploaded nothing")
        #expect(!secondOutput.contains("shared store unreachable"))

        // A wrong password: uploaded anyway, and said.
        let wrong = server.urlWithWrongPassword
        let (third, thirdOutput) = try await upload(replica: "three", url: wrong)
        #expect(third == 0, "\(thirdOutput)")
        #expect(thirdOutput.contains("shared store unreachable (postgres://dash@127.0.0.1:\(server.port)/dash)"))
        #expect(thirdOutput.contains("password authentication failed"), "\(thirdOutput)")
        #expect(!thirdOutput.contains("wrong-"), "\(thirdOutput)")
        #expect(sandbox.stats.uploadsStarted == 4)

        // The store down: the same.
        try await server.stop()
        let (fourth, fourthOutput) = try await upload(replica: "four", url: server.url)
        #expect(fourth == 0, "\(fourthOutput)")
        #expect(fourthOutput.contains("shared store unreachable"), "\(fourthOutput)")
        #expect(sandbox.stats.uploadsStarted == 6)
    }

    /// The rows of the results table (`#  file  state …`) in `state`.
    static func tableRows(_ output: String, state: String) -> [Substring] {
        output.split(separator: "\n").filter { line in
            let words = line.split(separator: " ")
            return words.count > 2 && Int(words[0]) != nil && words[2] == state
        }
    }
}
