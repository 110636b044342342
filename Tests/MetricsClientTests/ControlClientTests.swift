import Engine
import Foundation
import MetricsClient
import MetricsWire
import TestSupport
import Testing

@Suite("ControlClient against the engine's control API")
struct ControlClientTests {
    static func client(_ address: String, token: String?) throws -> ControlClient {
        ControlClient(
            target: try MetricsTarget(parsing: address),
            credential: token.map { ControlCredential(token: $0, source: .flag) },
            // Long enough for a machine busy with the rest of the suite: no test here waits for a timeout.
            timeout: .seconds(30)
        )
    }

    @Test("a test upload sends {files, size_bytes} with the token and returns the server's receipt")
    func testUpload() async throws {
        let asked = Locked<[Int]>([])
        let actions = ControlActions(startTestUpload: { files, size in
            asked.set([files, size])
            return TestUploadReceipt(batch: "batch-1", files: files, sizeBytes: size)
        })
        try await EngineFixture.with(actions: actions) { engine in
            let receipt = try await Self.client(engine.address, token: EngineFixture.token)
                .startTestUpload(files: 3, sizeBytes: 4096)
            #expect(receipt == TestUploadReceipt(batch: "batch-1", files: 3, sizeBytes: 4096))
            #expect(asked.value == [3, 4096])
        }
    }

    @Test("reset zeroes the engine's counters")
    func reset() async throws {
        let collector = MetricsCollector(configuration: MetricsConfiguration(snapshotMaxAge: .zero))
        collector.record(tool: "chat", latencyMs: 5, success: true)
        try await EngineFixture.with(collector: collector) { engine in
            #expect(collector.toolMetrics("chat")?.totalCalls == 1)
            try await Self.client(engine.address, token: EngineFixture.token).reset()
            #expect((collector.toolMetrics("chat")?.totalCalls ?? 0) == 0)
        }
    }

    @Test("a wrong token is a 401 naming where the token came from and the server's message")
    func wrongToken() async throws {
        try await EngineFixture.with { engine in
            let wrong = try Self.client(engine.address, token: "nope")
            let none = try Self.client(engine.address, token: nil)
            do throws(ControlError) {
                try await wrong.reset()
                Issue.record("reset succeeded with a wrong token")
            } catch {
                #expect(error.code == .unauthorized && error.status == 401, "\(error)")
                #expect(error.serverMessage?.contains("missing or wrong bearer token") == true)
                #expect(error.description.contains("the --token flag") && error.description.contains("HTTP 401"))
                #expect(!error.description.contains("nope"))
            }
            do throws(ControlError) {
                try await none.reset()
                Issue.record("reset succeeded without a token")
            } catch {
                #expect(error.code == .unauthorized && error.reason.contains("no control token was found"), "\(error)")
            }
        }
    }

    @Test("an engine without an uploader answers 501, and its message is surfaced")
    func notImplemented() async throws {
        try await EngineFixture.with { engine in
            let client = try Self.client(engine.address, token: EngineFixture.token)
            do throws(ControlError) {
                try await client.startTestUpload(files: 1, sizeBytes: 10)
                Issue.record("expected 501")
            } catch {
                #expect(error.code == .notImplemented && error.status == 501)
                #expect(error.serverMessage == "this engine has no uploader, so it cannot run a test upload")
            }
        }
    }

    @Test(
        "403 and 404 from other servers are named, with the server's message",
        arguments: [
            (
                "403 Forbidden", ControlError.Code.forbidden,
                #"{"error":{"type":"forbidden","message":"read-only token"}}"#, "read-only token"
            ),
            ("404 Not Found", .notFound, "Not Found", "Not Found"),
            (
                "400 Bad Request", .rejected,
                #"{"error":{"type":"invalid_request","message":"files must be from 1 to 64"}}"#,
                "files must be from 1 to 64"
            ),
            (
                "503 Service Unavailable", .serverError, #"{"error":{"type":"control_disabled","message":"no token"}}"#,
                "no token"
            ),
        ]
    )
    func otherRefusals(status: String, code: ControlError.Code, body: String, message: String) async throws {
        let server = try RawHTTPServer(RawHTTPServer.respond(status: status, text: body))
        defer { server.stop() }
        let client = try Self.client(server.base, token: "t")
        do {
            try await client.reset()
            Issue.record("expected \(status)")
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(error.serverMessage == message)
        }
    }

    @Test("an unreachable server is a clear failure, not a hang")
    func unreachable() async throws {
        let refusing = try RefusingPort()
        defer { refusing.release() }
        let client = try Self.client("127.0.0.1:\(refusing.port)", token: "t")
        do {
            try await client.reset()
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .unreachable && error.reason == "connection refused")
        }
    }

    @Test("token lookup: flag, then METRICS_CONTROL_TOKEN, then the XDG and home token files — files only locally")
    func credentialOrder() throws {
        let root = NSTemporaryDirectory() + "control-token-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let xdg = root + "/state"
        let home = root + "/home"
        try FileManager.default.createDirectory(atPath: xdg + "/dashboard", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: home + "/.local/state/dashboard",
            withIntermediateDirectories: true
        )
        try "home-token\n".write(
            toFile: home + "/.local/state/dashboard/control-token",
            atomically: true,
            encoding: .utf8
        )
        let local = MetricsTarget.local
        let remote = MetricsTarget(host: "10.1.2.3")
        var environment = ["HOME": home, "XDG_STATE_HOME": xdg, "METRICS_CONTROL_TOKEN": "env-token"]

        #expect(
            ControlCredential.resolve(flag: "flag-token", environment: environment, target: local)?.token
                == "flag-token"
        )
        #expect(ControlCredential.resolve(flag: nil, environment: environment, target: local)?.source == .environment)
        environment["METRICS_CONTROL_TOKEN"] = nil
        let fromHome = ControlCredential.resolve(flag: nil, environment: environment, target: local)
        #expect(fromHome?.token == "home-token")
        #expect(fromHome?.source == .file(home + "/.local/state/dashboard/control-token"))
        try "xdg-token".write(toFile: xdg + "/dashboard/control-token", atomically: true, encoding: .utf8)
        #expect(ControlCredential.resolve(flag: nil, environment: environment, target: local)?.token == "xdg-token")
        #expect(ControlCredential.resolve(flag: nil, environment: environment, target: remote) == nil)
        #expect(ControlCredential.resolve(flag: "  ", environment: [:], target: remote) == nil)
    }
}
