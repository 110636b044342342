import Crypto
import Foundation
import MetricsWire

/// The bearer token that guards the control API.
///
/// Comes from `METRICS_CONTROL_TOKEN`, else from the state file (`$XDG_STATE_HOME` or `~/.local/state`,
/// then `dashboard/control-token`), which is created with a random token and mode 0600 when absent, so a
/// local `dashboard --attach` can read it. The token is never logged or shown.
public struct ControlToken: Sendable {
    /// Where the token came from.
    public enum Source: Sendable, Equatable {
        /// `METRICS_CONTROL_TOKEN` or `--token`.
        case configured
        /// The state file at this path.
        case file(String)
    }

    private let digest: [UInt8]
    /// Where the token came from.
    public let source: Source

    /// Wraps a known token.
    public init(_ token: String, source: Source = .configured) {
        self.digest = Array(SHA256.hash(data: Data(token.utf8)))
        self.source = source
    }

    /// Whether `candidate` is the token, compared in constant time (over SHA-256 digests, so the length of
    /// the real token does not leak either).
    public func matches(_ candidate: String) -> Bool {
        let other = Array(SHA256.hash(data: Data(candidate.utf8)))
        var difference: UInt8 = 0
        for index in 0..<digest.count { difference |= digest[index] ^ other[index] }
        return difference == 0
    }

    /// Whether an `Authorization` header value carries the token (`Bearer <token>`).
    public func authorizes(_ header: String?) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        return matches(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
    }

    /// The default state file: `$XDG_STATE_HOME/dashboard/control-token` or `~/.local/state/dashboard/control-token`.
    public static func defaultPath(environment: [String: String]) -> String {
        StateDirectory.path(environment: environment) + "/" + StateDirectory.controlTokenFile
    }

    /// Reads the token stored at `path`, or `nil` if there is none.
    public static func read(from path: String) -> String? {
        StateDirectory.token(fromFile: FileManager.default.contents(atPath: path))
    }

    /// The configured token if any, else the one stored at `path`, else a new random one written there
    /// with mode 0600. Throws ``ControlTokenError`` when the file can be neither read nor written.
    public static func resolve(configured: String?, path: String) throws(ControlTokenError) -> ControlToken {
        if let configured { return ControlToken(configured) }
        if let existing = read(from: path) { return ControlToken(existing, source: .file(path)) }
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let directory = (path as NSString).deletingLastPathComponent
        guard PrivateFile.makeDirectory(directory) else {
            throw ControlTokenError(path: path, reason: "cannot create \(directory)")
        }
        // A private temporary file, then a link: the token is never readable by others, even briefly, and of
        // engines starting at once (a client starting its proxies) all take the one token that was stored.
        switch PrivateFile.create(Array((token + "\n").utf8), at: path) {
        case .placed:
            return ControlToken(token, source: .file(path))
        case .exists:
            guard let existing = read(from: path) else {
                throw ControlTokenError(path: path, reason: "another process stored an unreadable token")
            }
            return ControlToken(existing, source: .file(path))
        case .failed(let reason):
            throw ControlTokenError(path: path, reason: reason)
        }
    }
}

/// The control token could not be read or stored.
public struct ControlTokenError: Error, Sendable, CustomStringConvertible {
    /// The token file.
    public let path: String
    /// What went wrong.
    public let reason: String

    /// What failed and what to do.
    public var description: String {
        "cannot store the control token at \(path) (\(reason)); set METRICS_CONTROL_TOKEN to a secret of your "
            + "choice, or make the directory writable"
    }
}
