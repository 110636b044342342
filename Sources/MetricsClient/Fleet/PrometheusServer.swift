import Foundation
import MetricsWire

/// Where a Prometheus server's HTTP API is: what people type after `--prometheus`.
///
/// Accepts `http://host:9090`, `https://prom.example.com/prometheus` (a route prefix is kept) or a bare
/// `host:port` (http). Credentials, queries and fragments are refused, and the refusal never repeats them.
public struct PrometheusServer: Sendable, Hashable, CustomStringConvertible {
    /// The port Prometheus listens on by default.
    public static let defaultPort = 9090

    /// `http` or `https`.
    public var scheme: String
    /// A host name or IP address (IPv6 without brackets).
    public var host: String
    /// The TCP port.
    public var port: Int
    /// The route prefix (`/prometheus`), empty for none; never ends with `/`.
    public var prefix: String

    /// Creates a server address.
    public init(host: String, port: Int = PrometheusServer.defaultPort, scheme: String = "http", prefix: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.prefix = prefix
    }

    /// Parses a `--prometheus` value.
    public init(parsing text: String) throws(PollError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        func invalid(_ why: String, shown: Bool = true) -> PollError {
            let what = shown ? " \"\(DisplayText.sanitized(trimmed, maxLength: 80))\"" : ""
            return PollError(
                .invalidTarget,
                "cannot use\(what) as a Prometheus address: \(why)",
                hint: "write a URL such as http://127.0.0.1:9090 (a route prefix like /prometheus is kept)"
            )
        }
        guard !trimmed.isEmpty else { throw invalid("it is empty") }
        guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else {
            throw invalid("it contains spaces or control characters", shown: false)
        }
        let withScheme = trimmed.contains("://") ? trimmed : "http://" + trimmed
        guard let components = URLComponents(string: withScheme), let scheme = components.scheme?.lowercased()
        else { throw invalid("it is not a URL", shown: false) }
        // Checked before anything is echoed: a password in the URL must not reach a screen or a log.
        guard components.user == nil, components.password == nil else {
            throw invalid(
                "credentials in the URL are not supported (they would show in process lists)",
                shown: false
            )
        }
        guard scheme == "http" || scheme == "https" else { throw invalid("only http and https are supported") }
        guard components.query == nil, components.fragment == nil else {
            throw invalid("it may not have a query or a fragment")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("it names no host") }
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_:%".contains($0)) }) else {
            throw invalid("the host may only contain letters, digits, dots, dashes and colons")
        }
        var prefix = components.percentEncodedPath
        while prefix.hasSuffix("/") { prefix.removeLast() }
        // A URL copied from the browser may end in the UI's page or the API itself; the API root is meant.
        for suffix in ["/graph", "/api/v1", "/query"] where prefix.hasSuffix(suffix) {
            prefix.removeLast(suffix.count)
        }
        self.init(
            host: host,
            port: components.port ?? (scheme == "https" ? 443 : Self.defaultPort),
            scheme: scheme,
            prefix: prefix
        )
    }

    /// `http://host:port/prefix`, with IPv6 addresses in brackets.
    public var baseURL: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost):\(port)\(prefix)"
    }

    /// The URL of an API path such as `/api/v1/query`.
    public func url(_ path: String) -> String { baseURL + path }

    /// ``baseURL``.
    public var description: String { baseURL }
}
