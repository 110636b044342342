/// How an engine runs, as `engine.mode` says.
public enum EngineMode: WireName {
    /// Inside the dashboard process (`dashboard`, `dashboard upload`).
    case embedded
    /// Headless, for others to attach to (`dashboard serve`).
    case serve
    /// In front of an MCP server, relaying its traffic (`dashboard proxy`).
    case proxy
    /// Not one engine: a fleet's figures read from Prometheus (`dashboard --prometheus`).
    case fleet
    /// A mode this build does not know, by its wire name.
    case other(String)

    /// Every mode this build knows.
    public static let known: [EngineMode] = [.embedded, .serve, .proxy, .fleet]

    /// The wire name: `embedded`, `serve`, or the unknown name as received.
    public var rawValue: String {
        switch self {
        case .embedded: return "embedded"
        case .serve: return "serve"
        case .proxy: return "proxy"
        case .fleet: return "fleet"
        case .other(let name): return name
        }
    }
}
