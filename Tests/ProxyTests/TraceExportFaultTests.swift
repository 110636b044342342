import Foundation
import MetricsWire
import TestSupport
import Testing

/// `dashboard proxy --otlp-endpoint` with a collector that is down, refuses (500) or never answers: the span
/// export is never in the way of a call, says what went wrong, and lets the proxy exit.
@Suite("dashboard proxy: span export faults", .serialized, .timeLimit(.minutes(3)))
struct TraceExportFaultTests {
    @Test(
        "a collector down, refusing or hanging: every call answered, nothing but answers on stdout, spans counted failed, the proxy exits",
        arguments: ["down", "refusing", "hanging"]
    )
    func collectorFaults(_ fault: String) async throws {
        let refusingPort = try RefusingPort()
        let collector = try RawScriptedUpstream { _, _ in
            if fault == "hanging" {
                Thread.sleep(forTimeInterval: 60)
                return nil
            }
            return "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"
        }
        let port = fault == "down" ? refusingPort.port : collector.port
        let proxy = try ProxyProcess(
            options: ["--name", "traced", "--otlp-endpoint", "http://127.0.0.1:\(port)"],
            server: ProxyProcess.peer("answer"),
            environment: ["OTEL_BSP_SCHEDULE_DELAY": "200"]
        )
        for id in 1...20 { proxy.send(line: toolCall(id: "\(id)", tool: "t")) }
        #expect(await proxy.waitForLines(20))
        let snapshot = try await proxy.snapshot(until: { ($0.otlp?.failed ?? 0) >= 20 }, timeout: .seconds(40))
        let otlp = try #require(snapshot.otlp)
        #expect(otlp.endpoint == "http://127.0.0.1:\(port)")
        #expect(otlp.failed >= 20 && otlp.exported == 0, "\(otlp)")
        proxy.closeInput()
        #expect(await proxy.exitStatus() == 0)
        let lines = String(decoding: proxy.bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 20 && lines.allSatisfy { $0.hasPrefix(#"{"jsonrpc":"2.0","id":"#) }, "\(lines)")
        #expect(proxy.standardError.contains("OTLP export:"), "\(proxy.standardError)")
        _ = refusingPort
    }
}
