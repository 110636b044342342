import DashboardUI
import MetricsClient
import MetricsWire

extension SnapshotReport {
    /// What a proxy reports of its MCP server: who it is, other methods, what is waiting, what failed last,
    /// the tools' hints (as the server claims them) and protocol violations relayed.
    static func server(_ mcp: MCPMetrics) -> String {
        let server = mcp.server
        var facts = [DisplayText.sanitized(server.executable, maxLength: 40)]
        if let pid = server.pid { facts.append("pid \(pid)") }
        facts.append(server.running ? "running" : "exited \(server.exitStatus.map(String.init) ?? "?")")
        var out = "SERVER  \(DisplayText.sanitized(server.name, maxLength: 40)) (\(facts.joined(separator: ", ")))"
        if let implementation = server.implementation { out += "  is \(peer(implementation))" }
        if let era = mcp.era { out += "  speaks \(eraText(era))" }
        if let client = server.client { out += "  client \(peer(client))" }
        out += "\n"
        if let versions = mcp.requestsByVersion, !versions.isEmpty {
            out +=
                "REQUESTS BY VERSION  "
                + versions.sorted { $0.key > $1.key }.map { "\(DisplayText.sanitized($0.key)) \($0.value)" }
                .joined(separator: "  ")
            if let supported = server.supportedVersions, !supported.isEmpty {
                out += "  (server supports \(supported.map { DisplayText.sanitized($0) }.joined(separator: ", ")))"
            }
            out += "\n"
        }
        for (title, metrics) in [("METHODS", mcp.methodMetrics), ("SERVER REQUESTS", mcp.serverRequestMetrics)]
        where !metrics.isEmpty {
            let listed = metrics.sorted { $0.key < $1.key }.map { name, method in
                let failed = method.failedCalls > 0 ? ", \(method.failedCalls) failed" : ""
                let rounds = method.rounds.map { ", \($0.short)" } ?? ""
                return "\(DisplayText.sanitized(name, maxLength: 40)) \(method.totalCalls)\(failed)\(rounds) "
                    + "(p50 \(fixed(method.p50LatencyMs, 1)) ms)"
            }
            out += "\(title)  " + listed.joined(separator: "  ") + "\n"
        }
        out += "IN FLIGHT  \(mcp.inFlightCount)"
        if let waiting = mcp.awaitingInput, waiting > 0 { out += "  (\(waiting) more waiting for the user's input)" }
        out += "\n"
        for call in mcp.inFlight {
            var line = "  \(DisplayText.sanitized(call.tool ?? call.method, maxLength: 40)) id \(call.id)"
            if let round = call.round { line += "  round \(round)" }
            line += "  \(fixed(call.elapsedMs / 1000, 1)) s"
            if call.fromServer { line += "  (asked by the server)" }
            if let progress = call.progress {
                line += "  progress \(fixed(progress, 0))" + (call.total.map { "/\(fixed($0, 0))" } ?? "")
            }
            if let message = call.message { line += "  \(DisplayText.sanitized(message, maxLength: 60))" }
            out += line + "\n"
        }
        if let streams = mcp.streams {
            out += "STREAMS (not calls)  \(streams.summary)\n"
            for stream in streams.open {
                out += "  \(DisplayText.sanitized(stream.kind))" + (stream.id.map { " id \($0)" } ?? "")
                out += "  open \(fixed(stream.elapsedMs / 1000, 1)) s  \(stream.events) events\n"
            }
            if !streams.events.isEmpty {
                out +=
                    "  events: "
                    + streams.events.sorted { $0.key < $1.key }.map { "\(DisplayText.sanitized($0.key)) \($0.value)" }
                    .joined(separator: "  ") + "\n"
            }
        }
        if !mcp.recentFailures.isEmpty {
            out += "LAST FAILURES\n"
            for failure in mcp.recentFailures.prefix(5) {
                let what = DisplayText.sanitized(failure.tool ?? failure.method, maxLength: 40)
                out += "  \(Format.timestamp(failure.time))  \(what)  \(DisplayText.sanitized(failure.errorType))"
                out += failure.message.isEmpty ? "\n" : "  \(DisplayText.sanitized(failure.message, maxLength: 100))\n"
            }
        }
        let hinted = mcp.toolAnnotations.sorted { $0.key < $1.key }.compactMap { tool, hints -> String? in
            let claims = [
                hints.readOnlyHint == true ? "read-only" : nil, hints.destructiveHint == true ? "destructive" : nil,
                hints.idempotentHint == true ? "idempotent" : nil, hints.openWorldHint == true ? "open-world" : nil,
            ].compactMap { $0 }
            return claims.isEmpty
                ? nil : "\(DisplayText.sanitized(tool, maxLength: 40)) \(claims.joined(separator: " "))"
        }
        if !hinted.isEmpty { out += "HINTS (claimed by the server)  " + hinted.joined(separator: "; ") + "\n" }
        if let surface = mcp.toolSurface { out += toolSurface(surface) }
        if !mcp.protocolIssues.isEmpty {
            out +=
                "PROTOCOL ISSUES (relayed unchanged)  "
                + mcp.protocolIssues.sorted { $0.key < $1.key }.map { "\(DisplayText.sanitized($0.key)) \($0.value)" }
                .joined(separator: "  ") + "\n"
        }
        return out
    }

    /// The tool surface: the definitions' size and the largest tools, then the latest changes.
    static func toolSurface(_ surface: ToolSurfaceMetrics) -> String {
        var out =
            "TOOL DEFINITIONS  \(surface.tools.count) tools, \(Format.bytes(surface.definitionsBytes)), "
            + "≈\(Format.count(surface.definitionsBytes / 4)) tokens of context; largest: "
            + surface.tools.prefix(5).map {
                "\(DisplayText.sanitized($0.name, maxLength: 40)) \(Format.bytes($0.bytes))"
            }
            .joined(separator: ", ") + "\n"
        guard !surface.changes.isEmpty else { return out }
        out += "TOOL CHANGES  \(surface.riskyChanges) risky of \(surface.changeCounts.values.reduce(0, +))\n"
        for change in surface.changes.prefix(10) {
            out +=
                "  \(Format.timestamp(change.time))  \(change.risky ? "⚠ RISKY " : "")"
                + "\(DisplayText.sanitized(change.tool, maxLength: 40))  \(DisplayText.sanitized(change.change))"
            if change.change == ToolChangeKind.description.rawValue {
                out +=
                    "  \"\(DisplayText.sanitized(change.before ?? "", maxLength: 60))\" → "
                    + "\"\(DisplayText.sanitized(change.after ?? "", maxLength: 60))\""
            } else if change.change == ToolChangeKind.annotations.rawValue {
                out +=
                    "  \(DisplayText.sanitized(change.before ?? "", maxLength: 60)) → "
                    + DisplayText.sanitized(change.after ?? "", maxLength: 60)
            }
            out += "\n"
        }
        return out
    }

    /// The era in words: `2026-07-28 (stateless)`, `2025-11-25 (handshake)`, or both.
    static func eraText(_ era: MCPEra) -> String {
        switch era {
        case .modern(let version): return "\(DisplayText.sanitized(version)) (stateless)"
        case .handshake(let version): return "\(DisplayText.sanitized(version)) (handshake)"
        case .both: return "\(DisplayText.sanitized(era.label)) (both eras)"
        }
    }

    private static func peer(_ info: MCPPeerInfo) -> String {
        DisplayText.sanitized(info.name, maxLength: 40)
            + (info.version.map { " " + DisplayText.sanitized($0, maxLength: 20) } ?? "")
    }
}
