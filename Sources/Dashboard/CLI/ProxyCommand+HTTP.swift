import ArgumentParser
import DashboardUI
import Engine
import Foundation
import MCPProxy
import MetricsClient
import MetricsWire
import Traces

extension ProxyCommand {
    func validateHTTP() throws {
        guard serverCommand.isEmpty else {
            throw ValidationError("--http fronts a running server: give --upstream URL instead of a command after --")
        }
        guard let upstream else {
            throw ValidationError(
                "--http needs --upstream, the server's URL, e.g. --upstream http://127.0.0.1:8000/mcp"
            )
        }
        do {
            _ = try UpstreamURL(upstream)
        } catch {
            throw ValidationError(error.description)
        }
        _ = try listenAddress()
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
        guard let timeout = DurationText.parse(timeout), timeout > .zero else {
            throw ValidationError("--timeout must be a duration like 30s or 5m, got '\(self.timeout)'")
        }
        _ = try cachedTools()
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--name must not be empty")
        }
    }

    /// `--listen` as host and port (default 127.0.0.1, any free port).
    func listenAddress() throws -> (host: String, port: Int) {
        guard let listen else { return ("127.0.0.1", 0) }
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65_535).contains(port)
        else {
            throw ValidationError(
                "--listen must be HOST:PORT, like 127.0.0.1:9000 (port 0: any free port); got '\(listen)'"
            )
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw ValidationError("--listen must be HOST:PORT, like 127.0.0.1:9000; got '\(listen)'")
        }
        return (host, port)
    }

    func runHTTP() async throws {
        let environment = ProcessInfo.processInfo.environment
        let upstream = try UpstreamURL(self.upstream ?? "")
        let (host, listenPort) = try listenAddress()
        let serverName = (name ?? upstream.host).trimmingCharacters(in: .whitespaces)
        let messageLog = messages.log(server: serverName.isEmpty ? upstream.host : serverName)
        let recorder = try messages.recorder()
        let surface = ToolSurfaceReader()
        let toolPolicy = try tools.policy(server: serverName.isEmpty ? upstream.host : serverName, reader: surface)
        let (runtime, logger) = try proxyEngine(environment, actions: .proxy(messageLog, tools: surface))
        if !MetricsTarget.isLoopback(host: host) {
            printError("warning: --listen \(host) lets other machines use this proxy (and the server behind it)")
        }
        var settings = HTTPProxySettings(
            name: (name ?? upstream.host).trimmingCharacters(in: .whitespaces),
            listenHost: host,
            listenPort: listenPort,
            upstream: upstream,
            cachedTools: try cachedTools(),
            responseTimeout: DurationText.parse(timeout) ?? .seconds(300)
        )
        settings.name = settings.name.isEmpty ? upstream.host : settings.name
        settings.toolPolicy = toolPolicy
        let export = try traces.start(
            serviceName: settings.name,
            peer: OTLPExporter.Peer(transport: "tcp", address: upstream.host, port: upstream.port),
            environment: environment,
            logger: logger
        )
        export?.report(to: runtime.collector)
        do {
            try await HTTPProxySession.run(
                settings,
                runtime: runtime,
                environment: environment,
                logger: logger,
                spans: export?.exporter,
                messages: messageLog,
                recorder: recorder
            ) {
                let base = "http://\(host.contains(":") ? "[\(host)]" : host):\($0)"
                printError(
                    "proxy listening on \(base) for \(upstream.origin); "
                        + "point the MCP client at \(base)\(upstream.path.isEmpty ? "/" : upstream.path)"
                )
            }
        } catch let error as HTTPProxySession.ListenError {
            await export?.stop(within: .seconds(1))
            printError(error.description)
            throw ExitCode(1)
        } catch {
            await export?.stop(within: .seconds(1))
            throw error
        }
        await export?.stop(within: HTTPProxyServer.shutdownGrace)
    }
}
