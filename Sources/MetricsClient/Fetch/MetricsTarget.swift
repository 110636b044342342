import MetricsWire

/// Where a metrics endpoint is: scheme, host, port and the path of the JSON document.
///
/// Parses what people type after `--attach`: `HOST:PORT`, `HOST` (port 9109), `:PORT` (127.0.0.1),
/// `[::1]:9109`, or a URL such as `http://metrics.local:9109` or `https://host/custom/metrics`.
public struct MetricsTarget: Sendable, Hashable, CustomStringConvertible {
    /// The port the engine serves on by default.
    public static let defaultPort = 9109
    /// The default `--attach` target: `127.0.0.1:9109`.
    public static let local = MetricsTarget(host: "127.0.0.1", port: defaultPort)

    /// `http` or `https`.
    public var scheme: String
    /// A host name or IP address (IPv6 without brackets).
    public var host: String
    /// The TCP port.
    public var port: Int
    /// The path of the JSON document, `/metrics` unless a URL named another.
    public var path: String

    /// Creates a target.
    public init(host: String, port: Int = MetricsTarget.defaultPort, scheme: String = "http", path: String = "/metrics")
    {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
    }

    /// Parses `HOST:PORT`, `HOST`, `:PORT`, `[IPv6]:PORT` or an `http(s)://` URL.
    public init(parsing text: String) throws(PollError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        func invalid(_ why: String) -> PollError {
            PollError(
                .invalidTarget,
                "cannot use \"\(DisplayText.sanitized(trimmed, maxLength: 80))\" as a metrics address: \(why)",
                hint: "write HOST:PORT, for example 127.0.0.1:9109, or a URL such as http://host:9109"
            )
        }
        var rest = Substring(trimmed)
        var scheme = "http"
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            guard scheme == "http" || scheme == "https" else { throw invalid("only http and https are supported") }
            rest = rest[range.upperBound...]
        }
        var path = "/metrics"
        if let slash = rest.firstIndex(of: "/") {
            let given = String(rest[slash...])
            if given != "/" { path = given }
            rest = rest[..<slash]
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw invalid("missing ] after the IPv6 address") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("expected :PORT after ]") }
                portText = after.dropFirst()
            }
        } else if rest.filter({ $0 == ":" }).count > 1 {
            throw invalid("write IPv6 addresses in brackets, like [::1]:9109")
        } else if let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        if host.isEmpty { host = "127.0.0.1" }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || ".-_:%".contains($0) }), host.allSatisfy(\.isASCII)
        else { throw invalid("the host may only contain letters, digits, dots, dashes and colons") }
        var port = scheme == "https" && portText == nil ? 443 : Self.defaultPort
        if let portText {
            guard let number = Int(portText), (1...65_535).contains(number) else {
                throw invalid("the port must be a number from 1 to 65535")
            }
            port = number
        }
        self.init(host: String(host), port: port, scheme: scheme, path: path)
    }

    /// `http://host:port`, with IPv6 addresses in brackets.
    public var baseURL: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost):\(port)"
    }

    /// The URL polled: ``baseURL`` followed by ``path``.
    public var metricsURL: String { baseURL + path }

    /// Whether the host is this machine (127.0.0.0/8, ::1 or localhost).
    public var isLoopback: Bool { Self.isLoopback(host: host) }

    /// Whether `host` names this machine: `localhost`, `::1` (bracketed or not) or an IPv4 literal in
    /// 127.0.0.0/8. A name such as `127.example.com` is not this machine.
    public static func isLoopback(host: String) -> Bool {
        var lowered = host.lowercased()
        if lowered.hasPrefix("["), lowered.hasSuffix("]") { lowered = String(lowered.dropFirst().dropLast()) }
        if lowered == "localhost" || lowered == "::1" { return true }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { octet in UInt8(octet).map { String($0) == octet } ?? false }
    }

    /// `host:port`, as typed after `--attach`.
    public var description: String {
        (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }
}
