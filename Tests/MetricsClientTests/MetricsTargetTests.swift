import MetricsClient
import MetricsWire
import Testing

@Suite("MetricsTarget parsing")
struct MetricsTargetTests {
    @Test(
        "accepts what people type after --attach",
        arguments: [
            ("127.0.0.1:9109", "http://127.0.0.1:9109/metrics"),
            ("localhost", "http://localhost:9109/metrics"),
            (":9200", "http://127.0.0.1:9200/metrics"),
            ("[::1]:9109", "http://[::1]:9109/metrics"),
            ("http://metrics.local:8080", "http://metrics.local:8080/metrics"),
            ("https://example.com/custom/metrics", "https://example.com:443/custom/metrics"),
            ("  10.0.0.5:9109  ", "http://10.0.0.5:9109/metrics"),
        ]
    )
    func parses(text: String, url: String) throws {
        #expect(try MetricsTarget(parsing: text).metricsURL == url)
    }

    @Test(
        "refuses what cannot be an address, saying how to write one",
        arguments: ["host:0", "host:70000", "host:abc", "ftp://x:1", "::1", "[::1", "a b:1", "host:1:2"]
    )
    func refuses(text: String) {
        do {
            _ = try MetricsTarget(parsing: text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.code == .invalidTarget && error.hint?.contains("HOST:PORT") == true)
        }
    }

    @Test("loopback detection decides whether the local token file may be used")
    func loopback() throws {
        #expect(try MetricsTarget(parsing: "127.0.0.2:1").isLoopback)
        #expect(try MetricsTarget(parsing: "[::1]:1").isLoopback)
        #expect(try MetricsTarget(parsing: "localhost:1").isLoopback)
        #expect(try !MetricsTarget(parsing: "10.0.0.1:1").isLoopback)
        #expect(try !MetricsTarget(parsing: "127.example.com:1").isLoopback)
        #expect(try !MetricsTarget(parsing: "127.0.0.1.nip.io:1").isLoopback)
    }

    @Test(
        "one loopback rule for bind addresses and targets",
        arguments: [
            ("127.0.0.1", true), ("127.1.2.3", true), ("::1", true), ("[::1]", true), ("LOCALHOST", true),
            ("127.example.com", false), ("127.0.0.1.nip.io", false), ("0.0.0.0", false), ("127.0.0.256", false),
            ("::", false), ("10.0.0.1", false),
        ]
    )
    func loopbackHost(host: String, loopback: Bool) {
        #expect(MetricsTarget.isLoopback(host: host) == loopback)
    }
}
