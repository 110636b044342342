import Engine
import Foundation
import MetricsWire
import NIOCore

/// How an HTTP proxy (`dashboard proxy --http`) runs.
public struct HTTPProxySettings: Sendable {
    /// The server's name in metrics, discovery and logs.
    public var name: String
    /// The address the proxy listens on for the MCP client.
    public var listenHost: String
    /// The port it listens on (0: any free port).
    public var listenPort: Int
    /// The Streamable-HTTP server requests go to.
    public var upstream: UpstreamURL
    /// Tools whose successful results are cached, with their TTLs (`nil`: the cache's default).
    public var cachedTools: [String: Duration?]
    /// How long the upstream has to start answering (its status line) before the client gets a 504.
    public var responseTimeout: Duration
    /// How long connecting to the upstream may take before the client gets a 502.
    public var connectTimeout: Duration
    /// Bodies and events up to this size are parsed whole; longer ones are relayed and read by their ends.
    public var messageLimit: Int
    /// The pinned tools baseline and what to do with calls of tools that differ from it.
    public var toolPolicy = ToolPolicy()

    /// Creates settings.
    public init(
        name: String,
        listenHost: String = "127.0.0.1",
        listenPort: Int = 0,
        upstream: UpstreamURL,
        cachedTools: [String: Duration?] = [:],
        responseTimeout: Duration = .seconds(300),
        connectTimeout: Duration = .seconds(10),
        messageLimit: Int = 8 * 1024 * 1024
    ) {
        self.name = name
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.upstream = upstream
        self.cachedTools = cachedTools
        self.responseTimeout = responseTimeout
        self.connectTimeout = connectTimeout
        self.messageLimit = messageLimit
    }
}

/// The upstream of an HTTP proxy: `http` or `https`, a host and a port. A path in the URL is where the
/// client's requests usually go (it is shown as the address to give the client); the client's own path
/// and query are what go upstream, unchanged.
public struct UpstreamURL: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: String
    /// The host name or address (IPv6 without brackets).
    public let host: String
    /// The port (the scheme's default when the URL has none).
    public let port: Int
    /// The URL's path, `""` when it has none.
    public let path: String

    /// Why an `--upstream` value cannot be used.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        /// What is wrong and what to write instead.
        public let description: String
    }

    /// Reads `text`; throws ``Invalid`` saying what is wrong (never echoing credentials).
    public init(_ text: String) throws(Invalid) {
        let example = "write it like http://127.0.0.1:8000/mcp or https://mcp.example.com/mcp"
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            throw Invalid(
                description:
                    "--upstream must not contain spaces or control characters (found U+\(String(format: "%04X", bad.value))); \(example)"
            )
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw Invalid(description: "--upstream is not a URL; \(example)")
        }
        guard scheme == "http" || scheme == "https" else {
            throw Invalid(description: "--upstream must be an http or https URL, not \(scheme):; \(example)")
        }
        guard components.user == nil, components.password == nil else {
            throw Invalid(
                description:
                    "--upstream must not carry credentials: the client's Authorization header is passed through; \(example)"
            )
        }
        guard let host = components.host, !host.isEmpty else {
            throw Invalid(description: "--upstream has no host; \(example)")
        }
        // Decoded, a host may hold anything (`%06`): only what a DNS name or an IP address is made of goes
        // into the Host header and the address shown.
        guard host.unicodeScalars.allSatisfy({ Self.hostCharacters.contains($0) })
        else {
            throw Invalid(
                description:
                    "--upstream host may hold only letters, digits, '.', '-', '_' and an IPv6 address's ':'; \(example)"
            )
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw Invalid(description: "--upstream port must be from 1 to 65535; \(example)")
        }
        guard components.query == nil, components.fragment == nil else {
            throw Invalid(
                description: "--upstream must not have a query or fragment (the client's go upstream); \(example)"
            )
        }
        self.scheme = scheme
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? (scheme == "https" ? 443 : 80)
        // As written: decoded, `%20` would be shown as a space in the address given to the client.
        self.path = components.percentEncodedPath == "/" ? "" : components.percentEncodedPath
    }

    private static let hostCharacters = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]".unicodeScalars
    )

    /// `scheme://host:port`, the part of the URL requests are sent to.
    public var origin: String {
        "\(scheme)://\(shownHost):\(port)"
    }

    /// The `Host` header for requests sent upstream: the host, and the port unless it is the scheme's.
    public var hostHeader: String {
        port == (scheme == "https" ? 443 : 80) ? shownHost : "\(shownHost):\(port)"
    }

    /// The host as written in a URL: an IPv6 address in brackets.
    private var shownHost: String {
        host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
    }

    /// The origin and path.
    public var description: String { origin + path }
}

extension Duration {
    /// The duration as NIO's `TimeAmount`.
    var timeAmount: TimeAmount { .nanoseconds(Int64(inSeconds * 1e9)) }

    /// The duration as people read it: `300ms`, `5s`, `5m`.
    var shortText: String {
        let seconds = inSeconds
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        return Format.seconds(seconds)
    }
}
