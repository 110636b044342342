import Foundation

/// Where local engines keep their state for local dashboards: `$XDG_STATE_HOME/dashboard` (an absolute
/// `XDG_STATE_HOME` only, as the XDG spec says), else `~/.local/state/dashboard`.
public enum StateDirectory {
    /// The directory an engine writes to.
    public static func path(environment: [String: String]) -> String {
        candidates(environment: environment)[0]
    }

    /// Every directory a reader looks in, in order: the engine's may have been started with another
    /// environment (MCP clients strip it), so the home fallback is read too.
    public static func candidates(environment: [String: String]) -> [String] {
        var paths: [String] = []
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            paths.append(state + "/dashboard")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        paths.append(home + "/.local/state/dashboard")
        return paths
    }

    /// The name of the control-token file inside the directory.
    public static let controlTokenFile = "control-token"

    /// The token a control-token file's `contents` hold: trimmed, `nil` when there is none.
    public static func token(fromFile contents: Data?) -> String? {
        guard let contents else { return nil }
        let token = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }
}
