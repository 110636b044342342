import Foundation
import TestSupport
import Testing

/// `dashboard proxy --record FILE`: every line each way, exactly as relayed, in a private JSON Lines file —
/// and a file that cannot be written stops the proxy before the server starts.
@Suite("dashboard proxy: --record")
struct MessageRecordTests {
    /// A fresh directory for one test's files.
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "record-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The records of `path`, each as (direction, the line's bytes).
    static func records(_ path: String) throws -> [(String, [UInt8])] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let record = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                "not a JSON object: \(line)"
            )
            #expect((record["t"] as? Double ?? 0) > 1_700_000_000, "t is seconds since 1970: \(line)")
            let direction = try #require(record["dir"] as? String)
            if let text = record["line"] as? String { return (direction, Array(text.utf8)) }
            let encoded = try #require(record["line_base64"] as? String, "neither line nor line_base64: \(line)")
            return (direction, Array(try #require(Data(base64Encoded: encoded))))
        }
    }

    @Test("the lines of each direction put together are the bytes that crossed: unicode, CRLF, not UTF-8, no newline")
    func exactBytes() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/session.jsonl"
        let proxy = try ProxyProcess(options: ["--record", path], server: ProxyProcess.peer("echo"))
        var sent: [UInt8] = []
        let lines: [[UInt8]] = [
            Array(
                #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"é→🙂","arguments":{"q":"\"x\"\\"}}}"#
                    .utf8
            ) + [0x0A],
            Array(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.utf8) + [0x0D, 0x0A],
            Array(#"{"jsonrpc":"2.0","id":2,"method":"ping","params":{"bad":""#.utf8) + [0xC3, 0x28]
                + Array(#""}}"#.utf8) + [0x0A],
            Array(#"{"jsonrpc":"2.0","id":"three","method":"tools/list"}"#.utf8) + [0x0A],
        ]
        for line in lines {
            proxy.send(line)
            sent += line
        }
        #expect(await proxy.waitForLines(3), "three requests answered")
        let last = Array(#"{"jsonrpc":"2.0","method":"notifications/cancelled"}"#.utf8)
        proxy.send(last)
        sent += last
        proxy.closeInput()
        #expect(await proxy.exitStatus() == 0)

        let records = try Self.records(path)
        let client = records.filter { $0.0 == "c2s" }.flatMap { $0.1 }
        let server = records.filter { $0.0 == "s2c" }.flatMap { $0.1 }
        #expect(client == sent, "the client's bytes, exactly")
        #expect(server == proxy.bytes, "what the client received, exactly")
        #expect(records.filter { $0.0 == "c2s" }.count == 5, "one record per line, the last without a newline")
        let raw = try String(contentsOfFile: path, encoding: .utf8)
        #expect(raw.contains("line_base64"), "the line that is not UTF-8")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
    }

    @Test("an existing recording is appended to and made private; one that cannot be opened stops the proxy first")
    func files() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/old.jsonl"
        FileManager.default.createFile(
            atPath: path,
            contents: Data("{\"kept\":1}\n".utf8),
            attributes: [.posixPermissions: 0o644]
        )
        let proxy = try ProxyProcess(options: ["--record", path], server: ProxyProcess.peer("echo"))
        proxy.send(line: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
        #expect(await proxy.waitForLines(1))
        proxy.closeInput()
        #expect(await proxy.exitStatus() == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("{\"kept\":1}\n") && text.split(separator: "\n").count == 3)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)

        let marker = directory + "/server-started"
        let unwritable = directory + "/missing/dir/x.jsonl"
        let refused = try ProxyProcess(
            options: ["--record", unwritable],
            server: ["/bin/sh", "-c", "touch \(marker)"]
        )
        #expect(await refused.exitStatus() == 1)
        #expect(refused.standardError.contains("cannot record to \(unwritable)"), "\(refused.standardError)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the server never started")
    }
}
