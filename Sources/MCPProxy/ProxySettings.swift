import Engine

/// How a stdio proxy runs.
public struct ProxySettings: Sendable {
    /// The server's name in metrics, discovery and logs.
    public var name: String
    /// The server command and its arguments (`arguments[0]` is what the user typed).
    public var arguments: [String]
    /// The resolved path of `arguments[0]`.
    public var executable: String
    /// Tools whose successful results are cached, with their TTLs (`nil`: the cache's default).
    public var cachedTools: [String: Duration?]
    /// How long the server has to exit after a forwarded SIGTERM/SIGINT/SIGHUP before SIGKILL.
    public var grace: Duration
    /// Lines longer than this are relayed but not parsed whole.
    public var lineLimit: Int
    /// The pinned tools baseline and what to do with calls of tools that differ from it.
    public var toolPolicy = ToolPolicy()

    /// Creates settings.
    public init(
        name: String,
        arguments: [String],
        executable: String,
        cachedTools: [String: Duration?] = [:],
        grace: Duration = .seconds(5),
        lineLimit: Int = 8 * 1024 * 1024
    ) {
        self.name = name
        self.arguments = arguments
        self.executable = executable
        self.cachedTools = cachedTools
        self.grace = grace
        self.lineLimit = lineLimit
    }

    /// The executable's base name, the only part of the command that is ever published.
    public var executableName: String {
        String(executable.split(separator: "/").last ?? Substring(executable))
    }
}
