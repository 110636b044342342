import Foundation

/// Where a shared cache lives: a `postgres://USER:PASSWORD@HOST:PORT/DB[?sslmode=…]` URL, parsed.
///
/// The password is kept for connecting and nowhere else: ``description`` (what logs, screens, `/metrics`,
/// `/health` and spans show) is `postgres://USER@HOST:PORT/DB`, and a URL that does not parse is reported
/// without repeating it.
public struct SharedStoreURL: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is encrypted (`sslmode`).
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Never TLS (`sslmode=disable`).
        case disable
        /// TLS when the server offers it (`prefer`, the default, as libpq's).
        case prefer
        /// TLS or no connection, the certificate not verified (`require`, as libpq's).
        case require
        /// TLS with the certificate verified against the system's trust store (`verify-full`; `verify-ca`
        /// is read as it).
        case verifyFull = "verify-full"
    }

    /// The user name.
    public var user: String
    /// The password, or `nil`; never shown.
    public var password: String?
    /// The server's host name or address.
    public var host: String
    /// The server's port (default 5432).
    public var port: Int
    /// The database (default: the user name, as libpq's).
    public var database: String
    /// How the connection is encrypted.
    public var tls: TLSMode

    /// Parses `text`; the error says what is wrong without repeating the text (it may hold a password).
    public init(_ text: String) throws(SharedStoreURLError) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw SharedStoreURLError("is not a URL; expected postgres://USER:PASSWORD@HOST:PORT/DB")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw SharedStoreURLError("has scheme \(scheme); only postgres:// (PostgreSQL) is supported")
        }
        guard let host = components.host, !host.isEmpty else {
            throw SharedStoreURLError("names no host; expected postgres://USER:PASSWORD@HOST:PORT/DB")
        }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else {
            throw SharedStoreURLError("names no user; expected postgres://USER:PASSWORD@HOST:PORT/DB")
        }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw SharedStoreURLError("has port \(port), not 1 to 65535") }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.removingPercentEncoding ?? path
        guard !database.contains("/") else {
            throw SharedStoreURLError("has a path of more than one part; expected /DB")
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("sslmode", "disable"), ("sslmode", "allow"): tls = .disable
            case ("sslmode", "prefer"): tls = .prefer
            case ("sslmode", "require"): tls = .require
            case ("sslmode", "verify-ca"), ("sslmode", "verify-full"): tls = .verifyFull
            case ("sslmode", let value):
                throw SharedStoreURLError("has sslmode=\(value); expected disable, prefer, require or verify-full")
            default:
                throw SharedStoreURLError("has the parameter \(item.name), which is not supported (only sslmode)")
            }
        }
        self.user = user
        self.password = components.password?.removingPercentEncoding
        self.host = host
        self.port = port
        self.database = database.isEmpty ? user : database
        self.tls = tls
    }

    /// The URL without its password: `postgres://USER@HOST:PORT/DB`.
    public var description: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "postgres://\(user)@\(host):\(port)/\(database)"
    }

    /// The store as the Caches pane names it: `postgres HOST/DB`.
    public var shortName: String { "postgres \(host)/\(database)" }
}

/// A shared-store URL that does not parse; the message never repeats the URL.
public struct SharedStoreURLError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, e.g. "names no host; expected …".
    public let problem: String

    init(_ problem: String) { self.problem = problem }

    /// "the URL \(problem)".
    public var description: String { "the URL \(problem)" }
}
