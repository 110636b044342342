import Foundation
import MetricsWire

/// The bearer token for the control API, and where it came from (never shown itself).
///
/// Looked up in order: the `--token` flag, `METRICS_CONTROL_TOKEN`, then — only when the target is this
/// machine — the token file a local engine writes: `$XDG_STATE_HOME/dashboard/control-token`, then
/// `~/.local/state/dashboard/control-token`. A local token file is never sent to a remote host.
public struct ControlCredential: Sendable, Equatable, CustomStringConvertible {
    /// Where a token came from.
    public enum Source: Sendable, Equatable {
        /// The `--token` flag.
        case flag
        /// The `METRICS_CONTROL_TOKEN` environment variable.
        case environment
        /// A token file at this path.
        case file(String)
    }

    /// The token.
    public let token: String
    /// Where it came from.
    public let source: Source

    /// Wraps a token.
    public init(token: String, source: Source) {
        self.token = token
        self.source = source
    }

    /// Where the token came from, for messages; the token itself is never included.
    public var description: String {
        switch source {
        case .flag: return "the --token flag"
        case .environment: return "METRICS_CONTROL_TOKEN"
        case .file(let path): return "the token file \(path)"
        }
    }

    /// The token files a local engine may have written, in the order they are tried.
    public static func tokenFilePaths(environment: [String: String]) -> [String] {
        StateDirectory.candidates(environment: environment).map { $0 + "/" + StateDirectory.controlTokenFile }
    }

    /// The token stored in the file at `path`, trimmed, or `nil` when there is no file or it is empty.
    public static func readTokenFile(at path: String) -> String? {
        StateDirectory.token(fromFile: FileManager.default.contents(atPath: path))
    }

    /// The first token found for `target`, or `nil`.
    public static func resolve(
        flag: String?,
        environment: [String: String],
        target: MetricsTarget
    ) -> ControlCredential? {
        if let flag = nonEmpty(flag) { return ControlCredential(token: flag, source: .flag) }
        if let token = nonEmpty(environment["METRICS_CONTROL_TOKEN"]) {
            return ControlCredential(token: token, source: .environment)
        }
        guard target.isLoopback else { return nil }
        for path in tokenFilePaths(environment: environment) {
            if let token = readTokenFile(at: path) { return ControlCredential(token: token, source: .file(path)) }
        }
        return nil
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else {
            return nil
        }
        return trimmed
    }
}
