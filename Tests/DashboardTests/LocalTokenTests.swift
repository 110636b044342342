import Foundation
import MetricsClient
import MetricsWire
import Testing

/// Local proxies started at once (an MCP client starts all its servers together) share one control token:
/// the first to store it wins, the others take it, so `dashboard --local` can read every proxy's messages.
@Suite("one local control token")
struct LocalTokenTests {
    @Test("six proxies started at once all accept the token in the state file")
    func startedTogether() async throws {
        let home = try DashboardSmokeTests.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let state = home + "/state"
        let names = (0..<6).map { "p\($0)" }
        let proxies = try names.map { try ProxyDriver(name: $0, stateHome: state) }
        defer { for proxy in proxies { proxy.kill() } }

        let instances = state + "/dashboard/instances"
        func ports() -> [Int] {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: instances)) ?? []
            return files.compactMap { file -> Int? in
                guard let data = FileManager.default.contents(atPath: instances + "/" + file),
                    let value = try? JSONParser.parse(Array(data)),
                    let target = value.arrayValue?.first?["targets"]?.arrayValue?.first?.stringValue
                else { return nil }
                return target.split(separator: ":").last.flatMap { Int($0) }
            }
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while ports().count < names.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let found = ports()
        try #require(found.count == names.count, "discovery files: \(found)")
        let token = try #require(ControlCredential.readTokenFile(at: state + "/dashboard/control-token"))
        for port in found {
            let client = ControlClient(
                target: MetricsTarget(host: "127.0.0.1", port: port),
                credential: ControlCredential(token: token, source: .flag)
            )
            do {
                let page = try await client.messages(after: 0, limit: 1)
                #expect(page.capacity == 2000)
            } catch {
                Issue.record("the proxy on port \(port) refused the stored token: \(error)")
            }
        }
    }
}
