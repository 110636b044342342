/// Which generation of MCP a server speaks, read from the versions its requests were sent under.
public enum MCPEra: Sendable, Equatable {
    /// `initialize`, sessions, server→client requests (2024-11-05 … 2025-11-25).
    case handshake(String)
    /// No handshake, no sessions, the version in each request (2026-07-28 and later).
    case modern(String)
    /// Both, at once (a client probed, or clients of each era share the server).
    case both(modern: String, handshake: String)

    /// The first modern protocol version.
    public static let firstModernVersion = "2026-07-28"

    /// Whether `version` (a `YYYY-MM-DD` revision) is of the modern era.
    public static func isModern(_ version: String) -> Bool {
        isRevision(version) && version >= firstModernVersion
    }

    /// Whether `version` looks like a protocol revision (`YYYY-MM-DD`), not `other` or a peer's nonsense.
    public static func isRevision(_ version: String) -> Bool {
        let bytes = Array(version.utf8)
        guard bytes.count == 10 else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7
                ? byte == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }

    /// Short text for a header or a list: `2026-07-28`, `2025-11-25`, `2026-07-28 + 2025-11-25`.
    public var label: String {
        switch self {
        case .handshake(let version), .modern(let version): return version
        case .both(let modern, let handshake): return "\(modern) + \(handshake)"
        }
    }

    /// Whether sessions mean anything for it (not for a modern-only server).
    public var hasSessions: Bool {
        if case .modern = self { return false }
        return true
    }
}

extension MCPMetrics {
    /// The era the server speaks, from the versions of the requests seen (the newest version of each era
    /// with requests); else from the version its `initialize` gave; `nil` before any request.
    public var era: MCPEra? {
        let versions = (requestsByVersion ?? [:]).filter { $0.value > 0 && MCPEra.isRevision($0.key) }.keys
        let modern = versions.filter(MCPEra.isModern).max()
        let handshake = versions.filter { !MCPEra.isModern($0) }.max()
        switch (modern, handshake) {
        case (let modern?, let handshake?): return .both(modern: modern, handshake: handshake)
        case (let modern?, nil): return .modern(modern)
        case (nil, let handshake?): return .handshake(handshake)
        case (nil, nil):
            guard let version = server.protocolVersion, MCPEra.isRevision(version) else { return nil }
            return MCPEra.isModern(version) ? .modern(version) : .handshake(version)
        }
    }
}
