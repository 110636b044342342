import MetricsClient
import MetricsWire
import Testing

@Suite("ConnectionStatus: what a UI shows")
struct ConnectionStatusTests {
    static let refused = PollError(.connectionRefused, "connection refused", hint: "is the engine running?")
    static let html = PollError(.notJSON, "the server answered with an HTML page")

    @Test(
        "descriptions are ready to display, with ages and countdowns in readable units",
        arguments: [
            (ConnectionStatus.connecting, "connecting"),
            (.connected, "connected"),
            (.stale(lastGoodAge: .milliseconds(999)), "stale (last good data 1 s ago; waiting for the server)"),
            (.stale(lastGoodAge: .milliseconds(250)), "stale (last good data 0.25 s ago; waiting for the server)"),
            (.stale(lastGoodAge: .milliseconds(5)), "stale (last good data 0.01 s ago; waiting for the server)"),
            (.stale(lastGoodAge: .seconds(185)), "stale (last good data 3 min 5 s ago; waiting for the server)"),
            (
                .reconnecting(attempt: 3, nextTryIn: .milliseconds(4_040), error: refused),
                "reconnecting (attempt 3, next try in 4 s): connection refused"
            ),
            (
                .reconnecting(attempt: 1, nextTryIn: .zero, error: refused),
                "reconnecting (attempt 1, trying now): connection refused"
            ),
            (
                .incompatible(error: html, attempt: 2, nextTryIn: .milliseconds(2_500)),
                "incompatible response (not JSON): the server answered with an HTML page (attempt 2, next try in 2.5 s)"
            ),
        ]
    )
    func descriptions(status: ConnectionStatus, text: String) {
        #expect(status.description == text)
    }

    @Test("labels, the failure behind a status, and a one-line error with URL and hint")
    func parts() {
        let failing = ConnectionStatus.reconnecting(attempt: 1, nextTryIn: .seconds(1), error: Self.refused)
        #expect(failing.label == "reconnecting" && failing.error == Self.refused && !failing.isConnected)
        #expect(ConnectionStatus.connected.isConnected && ConnectionStatus.connected.error == nil)
        var error = Self.refused
        error.url = "http://127.0.0.1:9109/metrics"
        #expect(error.description == "GET http://127.0.0.1:9109/metrics: connection refused; is the engine running?")
        #expect(!error.isIncompatible && Self.html.isIncompatible)
    }
}
