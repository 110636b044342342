import Foundation
import MCPProxy
import MetricsWire
import TestSupport
import Testing

/// `dashboard replay`'s parts: reading a recording (bad ones refused naming the line), comparing answers
/// (ids, `requestState` and ignored pointers aside), and replaying against a real server process.
@Suite("dashboard replay")
struct ReplayTests {
    static func json(_ text: String) throws -> JSONValue {
        try Array(text.utf8).withUnsafeBufferPointer { try JSONParser.parse($0) }
    }

    static func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "replay-\(UUID().uuidString).jsonl"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("answers compare by value: key order and number spelling aside, requestState and --ignore pointers aside")
    func difference() throws {
        let recorded = try Self.json(
            #"{"id":1,"result":{"content":[{"type":"text","text":"hi"}],"n":1.0,"requestState":"old","meta":{"a/b":1}}}"#
        )
        let same = try Self.json(
            #"{"result":{"meta":{"a/b":1},"n":1,"requestState":"new","content":[{"text":"hi","type":"text"}]},"id":9}"#
        )
        #expect(JSONDifference.first(recorded: recorded, replayed: same, ignoring: ["/id"]) == nil)
        let changed = try Self.json(
            #"{"id":1,"result":{"content":[{"type":"text","text":"HI"}],"n":1,"meta":{"a/b":2}}}"#
        )
        #expect(
            JSONDifference.first(recorded: recorded, replayed: changed)
                == JSONDifference(pointer: "/result/content/0/text", recorded: #""hi""#, replayed: #""HI""#)
        )
        #expect(
            JSONDifference.first(recorded: recorded, replayed: changed, ignoring: ["/result/content"])
                == JSONDifference(pointer: "/result/meta/a~1b", recorded: "1", replayed: "2")
        )
        let shorter = try Self.json(#"{"id":1,"result":{"content":[],"n":1,"meta":{"a/b":1}}}"#)
        #expect(
            JSONDifference.first(recorded: recorded, replayed: shorter)?.pointer == "/result/content/0",
            "an element missing"
        )
        let extra = try Self.json(
            #"{"id":1,"result":{"content":[{"type":"text","text":"hi"}],"n":1,"meta":{"a/b":1},"x":0}}"#
        )
        #expect(
            JSONDifference.first(recorded: recorded, replayed: extra)
                == JSONDifference(pointer: "/result/x", recorded: nil, replayed: "0")
        )
    }

    @Test("a recording read back: lines, base64 lines, omitted ones; a missing file and a bad line refused by number")
    func reading() throws {
        let path = try Self.file(
            #"{"t":1.5,"dir":"c2s","line":"{\"a\":1}\n"}"# + "\n\n"
                + #"{"t":2,"dir":"s2c","line_base64":"wyg="}"# + "\n"
                + #"{"t":3,"dir":"s2c","omitted":true}"# + "\n"
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recording = try Recording.read(path: path)
        #expect(recording.records.map(\.line) == [1, 3, 4])
        #expect(
            recording.records[0].bytes == Array("{\"a\":1}\n".utf8) && recording.records[0].direction == .clientToServer
        )
        #expect(recording.records[1].bytes == [0xC3, 0x28])
        #expect(recording.records[2].bytes == nil)

        #expect(throws: Recording.ReadError.self) { try Recording.read(path: "/nonexistent/recording.jsonl") }
        for (bad, why) in [
            ("not json", "not JSON"), (#"[1]"#, "not a JSON object"), (#"{"dir":"c2s","line":""}"#, "no time"),
            (#"{"t":1,"dir":"up","line":""}"#, "\"dir\" is neither"), (#"{"t":1,"dir":"c2s"}"#, "no \"line\""),
            (#"{"t":1,"dir":"c2s","line_base64":"!!"}"#, "not base64"),
        ] {
            let broken = try Self.file(#"{"t":1,"dir":"c2s","line":"x\n"}"# + "\n" + bad + "\n")
            defer { try? FileManager.default.removeItem(atPath: broken) }
            do {
                _ = try Recording.read(path: broken)
                Issue.record("\(bad) was read as a record")
            } catch {
                #expect(error.description.contains("\(broken):2:") && error.description.contains(why), "\(error)")
            }
        }
    }

    @Test("replayed against a real server process: same, differs at the first difference, unanswered in time")
    func replay() async throws {
        let call = { (id: Int, tool: String) in
            #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":{}}}"#
        }
        let records = [
            (1.0, "c2s", call(1, "a")),
            (1.1, "s2c", #"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ok"}]}}"#),
            (1.2, "c2s", #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
            (2.0, "c2s", call(2, "b")),
            (2.5, "s2c", #"{"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"other"}]}}"#),
            (3.0, "c2s", call(3, "never")),
            (3.1, "s2c", #"{"jsonrpc":"2.0","id":3,"result":{"content":[]}}"#),
        ]
        let text = try records.map { time, direction, line -> String in
            let escaped = String(decoding: try JSONEncoder().encode(line + "\n"), as: UTF8.self)
            return #"{"t":\#(time),"dir":"\#(direction)","line":\#(escaped)}"#
        }.joined(separator: "\n")
        let path = try Self.file(text + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let peer = BuiltExecutable.path("ProxyTestPeer")
        let results = try await StdioReplay.run(
            try Recording.read(path: path),
            executable: peer,
            arguments: [peer, "echo"],
            ignoring: [],
            timeout: .milliseconds(500)
        )
        #expect(results.map(\.call) == ["tools/call a", "tools/call b", "tools/call never"])
        #expect(results.map(\.line) == [1, 4, 6])
        #expect(results[0].outcome == .same && results[0].recordedMs.map { abs($0 - 100) < 0.001 } == true)
        #expect(results[0].replayedMs != nil)
        #expect(
            results[1].outcome
                == .differs(
                    JSONDifference(pointer: "/result/content/0/text", recorded: #""other""#, replayed: #""ok""#)
                )
        )
        #expect(results[2].outcome == .unanswered("no answer within 0.5 seconds") && results[2].replayedMs == nil)
    }
}
