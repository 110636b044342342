import Foundation
import MetricsClient
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `dashboard check` against a real `dashboard serve`: exit 0 within bounds, 1 with one line per violation,
/// 2 when the target cannot be read, and a JUnit report a CI system reads back.
@Suite("dashboard check", .serialized)
struct CheckCommandTests {
    /// Runs `dashboard check` with `arguments`; its exit status, output and error output.
    static func check(_ arguments: [String]) async throws -> (Int32, String, String) {
        let process = try BinaryProcess(["check"] + arguments)
        let status = try await process.finish(timeout: .seconds(30))
        return (status, process.standardOutput, process.standardError)
    }

    /// The test cases of a JUnit report: each name and its failure message (nil when it passed).
    final class JUnitCases: NSObject, XMLParserDelegate {
        var cases: [(name: String, failure: String?)] = []
        var suites = 0

        func parser(
            _ parser: XMLParser,
            didStartElement element: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch element {
            case "testsuite": suites += 1
            case "testcase": cases.append((attributes["name"] ?? "", nil))
            case "failure": cases[cases.count - 1].failure = attributes["message"] ?? ""
            default: break
            }
        }

        static func read(_ path: String) throws -> JUnitCases {
            let reader = JUnitCases()
            let parser = try #require(XMLParser(contentsOf: URL(fileURLWithPath: path)))
            parser.delegate = reader
            #expect(parser.parse(), "the report is XML: \(parser.parserError.map { "\($0)" } ?? "")")
            return reader
        }
    }

    @Test(
        "within bounds 0, a violation 1 (one line each, a misspelt tool too), unreadable 2; the JUnit report each time"
    )
    func gate() async throws {
        let home = try ServeCommandTests.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let serve = try BinaryProcess(
            ["serve", "--port", "0", "--no-demo"],
            environment: [
                "HOME": home, "XDG_STATE_HOME": home + "/state", "METRICS_CONTROL_TOKEN": FleetPrometheusTests.token,
                "FILE_CACHE_PATH": home + "/ids.sqlite",
            ],
            directory: home
        )
        defer { _ = serve.process.isRunning ? kill(serve.process.processIdentifier, SIGKILL) : 0 }
        #expect(try await serve.waitForError(containing: "serving http://", timeout: .seconds(15)))
        let port = try #require(ServeCommandTests.port(from: serve.standardError))
        // 20 calls of `search`: 19 at 10–100 ms, one 900 ms timeout (5 %): p95 = 100 ms by nearest rank.
        var calls = (1...19).map { (latency: Double($0 * 5 + 5), error: nil as String?) }
        calls.append((latency: 900, error: "timeout"))
        try await FleetPrometheusTests.ingest(port: port, calls)
        let target = ["--attach", "127.0.0.1:\(port)"]
        let report = home + "/report.xml"

        let (held, heldOutput, _) = try await Self.check(
            target + ["--max-p95", "search=100ms", "--max-p95", "*=1s", "--max-error-rate", "5", "--junit", report]
        )
        #expect(held == 0, "\(heldOutput)")
        #expect(heldOutput.contains("ok: 3 bound(s) hold"))
        var junit = try JUnitCases.read(report)
        #expect(junit.suites == 1 && junit.cases.count == 3 && junit.cases.allSatisfy { $0.failure == nil })

        let (broken, brokenOutput, _) = try await Self.check(
            target + [
                "--max-p95", "search=99ms", "--max-p95", "serch=1s", "--max-error-rate", "4.9", "--junit", report,
            ]
        )
        #expect(broken == 1)
        let lines = brokenOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "one line per violation: \(lines)")
        #expect(lines.contains { $0.hasPrefix("search: p95 100 ms above 99ms") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("serch: no calls to measure") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("search: error rate 5% (1 of 20 calls) above 4.90%") }, "\(lines)")
        junit = try JUnitCases.read(report)
        #expect(
            junit.cases.map(\.name) == [
                "p95 of search ≤ 99ms", "p95 of serch ≤ 1s", "error rate of every tool ≤ 4.90%",
            ]
        )
        #expect(junit.cases.allSatisfy { $0.failure != nil })

        kill(serve.process.processIdentifier, SIGTERM)
        _ = try await serve.finish()
        let (gone, _, goneError) = try await Self.check(target + ["--max-p95", "search=1s", "--junit", report])
        #expect(gone == 2 && goneError.contains("cannot read 127.0.0.1:\(port)"), "\(goneError)")
        junit = try JUnitCases.read(report)
        #expect(
            junit.cases.count == 1 && junit.cases[0].name == "read 127.0.0.1:\(port)" && junit.cases[0].failure != nil
        )
    }

    @Test("the report holds any tool name: XML's special characters escaped, control characters dropped")
    func escaping() throws {
        let name = "p95 of a<b&\"c'd\u{1}é ≤ 1s"
        let xml = JUnitReport.xml(
            target: "host:1",
            results: [(name, ["line one <x>", "line two & more"]), ("fine", [])],
            seconds: 0.5
        )
        let path = NSTemporaryDirectory() + "junit-\(UUID().uuidString).xml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try xml.write(toFile: path, atomically: true, encoding: .utf8)
        let junit = try JUnitCases.read(path)
        #expect(junit.cases.map(\.name) == ["p95 of a<b&\"c'dé ≤ 1s", "fine"])
        #expect(junit.cases[0].failure == "line one <x>" && junit.cases[1].failure == nil)
    }

    @Test("bad bounds are refused naming what to write; no bound at all is refused")
    func badBounds() async throws {
        for (arguments, message) in [
            (["--max-p95", "search"], "--max-p95 takes TOOL=DURATION"),
            (["--max-p95", "search=fast"], "\"fast\" is not a duration"),
            (["--max-p95", "=1s"], "--max-p95 takes TOOL=DURATION"),
            (["--max-error-rate", "120"], "--max-error-rate takes a percentage from 0 to 100"),
            ([], "give at least one bound"),
        ] {
            let (status, _, error) = try await Self.check(["--attach", "127.0.0.1:1"] + arguments)
            #expect(status == 64 && error.contains(message), "\(arguments): \(error)")
        }
    }
}
