import Foundation
import Testing

@Suite("dashboard upload")
struct UploadCommandTests {
    static func workspace() throws -> String {
        let path = NSTemporaryDirectory() + "dashboard-upload-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("uploads to the built-in sandbox, prints JSON results in input order, exits 0 only if all arrived")
    func json() async throws {
        let directory = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let names = ["b.txt", "a.txt", "c.txt"]
        for (index, name) in names.enumerated() {
            try Data(String(repeating: "file \(index) ", count: 5000).utf8).write(
                to: URL(fileURLWithPath: directory + "/" + name)
            )
        }
        let environment = ["FILE_CACHE_PATH": directory + "/ids.sqlite", "KIMI_API_KEY": ""].filter {
            !$0.value.isEmpty
        }
        let run = try BinaryProcess(
            ["upload", "--json"] + names.map { directory + "/" + $0 },
            environment: environment
        )
        #expect(try await run.finish() == 0, "\(run.standardError)")
        let results = try #require(
            try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [[String: Any]]
        )
        #expect(results.map { ($0["path"] as? String).map { ($0 as NSString).lastPathComponent } } == names)
        #expect(
            results.allSatisfy {
                $0["state"] as? String == "done" && ($0["file_id"] as? String)?.hasPrefix("file-") == true
            }
        )

        let failing = try BinaryProcess(
            ["upload", directory + "/a.txt", directory + "/nope.txt"],
            environment: environment
        )
        #expect(try await failing.finish() == 1)
        #expect(failing.standardOutput.contains("nope.txt: no such file"))
        #expect(failing.standardOutput.contains("1 of 2 files at the provider"))
    }

    @Test("an invalid --files-url is refused with one clear line")
    func invalidURL() async throws {
        let run = try BinaryProcess(["upload", "--files-url", "ftp://nowhere", "/etc/hostname"])
        #expect(try await run.finish() != 0)
        #expect(run.standardError.contains("expected http(s)://"))
    }
}
