import ArgumentParser
import DashboardUI
import Engine
import Foundation
import Logging
import MCPProxy
import MetricsClient
import MetricsWire
import Traces

/// `dashboard proxy -- COMMAND…`: stands in the pipes between an MCP client and a stdio server, relaying
/// every byte unchanged and timing every request.
struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract:
            "Run an MCP server (stdio, or Streamable HTTP) behind a transparent proxy that measures every request.",
        usage: """
            dashboard proxy [--name <name>] [--port <port>] [--cache <tool>[=<ttl>]]… -- <command> [<arguments>…]
              dashboard proxy --http --listen <host>:<port> --upstream <url> [--name <name>] [--port <port>] [--cache …]
            """,
        discussion: """
            Configure your MCP client to start `dashboard proxy -- <the server's own command>` instead of \
            the server. The proxy starts the server and relays every byte between the client and it, \
            unchanged, while it times each request: tools/call per tool, other requests per method, \
            progress, cancellations and failures. The server's stderr stays the proxy's stderr; the proxy \
            writes nothing of its own to stdout. It exits with the server's exit status.

            Watch it with `dashboard --attach 127.0.0.1:<port>` (the port is in the discovery file \
            $XDG_STATE_HOME/dashboard/instances/<name>-<pid>.json, or ~/.local/state/… without \
            XDG_STATE_HOME), or scrape its /metrics with Prometheus. It keeps its last 2000 messages \
            (--messages), what each was and its answer's latency, for GET /v1/messages with the control \
            token; --capture keeps what they said too, secret-looking values redacted.

            In Claude Desktop's claude_desktop_config.json (and most MCP clients' mcpServers):

              {
                "mcpServers": {
                  "time": {
                    "command": "/path/to/dashboard",
                    "args": ["proxy", "--name", "time", "--", "uvx", "mcp-server-time"]
                  }
                }
              }

            MCP clients start servers with a reduced environment: give full paths, and use flags rather \
            than environment variables for the proxy's own settings.

            For a Streamable-HTTP server, `dashboard proxy --http --listen 127.0.0.1:9000 --upstream \
            http://127.0.0.1:8000/mcp` listens for the client and forwards every request to the upstream \
            with its path, query, method, headers (Authorization, Mcp-Session-Id, Last-Event-ID…) and body \
            unchanged, relaying JSON answers and SSE streams as they arrive. Point the client at \
            http://127.0.0.1:9000/mcp. Credentials are passed through, never logged or shown. When the \
            upstream cannot be reached the client gets a 502, when it does not start answering within \
            --timeout a 504, each with a JSON-RPC error naming the upstream.
            """
    )

    @Option(
        help: ArgumentHelp(
            "The server's name in metrics and discovery (default: the command's base name).",
            valueName: "name"
        )
    )
    var name: String?

    @Option(
        help: ArgumentHelp(
            "Address of the metrics endpoint; anything but loopback is reachable from other machines.",
            valueName: "address"
        )
    )
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("Port of the metrics endpoint; 0 takes any free port.", valueName: "port"))
    var port: Int = 0

    @Option(
        name: .customLong("cache"),
        help: ArgumentHelp(
            "Answer repeated calls of this tool with the same arguments from the cache, for TTL (30s, 5m; "
                + "default SEMANTIC_CACHE_TTL_SECS). Repeat for more tools. Only successful results are kept.",
            valueName: "tool[=ttl]"
        )
    )
    var cache: [String] = []

    @Option(
        help: ArgumentHelp(
            "How long the server has to exit after a forwarded signal before SIGKILL.",
            valueName: "duration"
        )
    )
    var grace: String = "5s"

    @Flag(help: "Front a Streamable-HTTP server (with --listen and --upstream) instead of starting a stdio one.")
    var http = false

    @Option(
        help: ArgumentHelp(
            "With --http: where the client connects (default 127.0.0.1:0, any free port; printed on stderr).",
            valueName: "host:port"
        )
    )
    var listen: String?

    @Option(
        help: ArgumentHelp(
            "With --http: the server's URL, http or https (its path is where clients go).",
            valueName: "url"
        )
    )
    var upstream: String?

    @Option(
        help: ArgumentHelp(
            "With --http: how long the upstream has to start answering before the client gets a 504.",
            valueName: "duration"
        )
    )
    var timeout: String = "5m"

    @OptionGroup var sharedCache: SharedCacheOptions

    @OptionGroup var log: LogOptions

    @OptionGroup var traces: ProxyTraceOptions

    @OptionGroup var messages: MessageOptions

    @OptionGroup var tools: ToolPolicyOptions

    @Argument(
        parsing: .postTerminator,
        help: ArgumentHelp("The server command and its arguments, after --.", valueName: "command")
    )
    var command: [String] = []

    /// The server command: everything after `--`, flags included, untouched.
    var serverCommand: [String] { command }

    func validate() throws {
        if http {
            try validateHTTP()
            return
        }
        guard listen == nil, upstream == nil else {
            throw ValidationError(
                "--listen and --upstream go with --http: dashboard proxy --http --listen … --upstream …"
            )
        }
        guard !serverCommand.isEmpty else {
            throw ValidationError("give the server command after --, e.g. dashboard proxy -- uvx mcp-server-time")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
        guard DurationText.parse(grace) != nil else {
            throw ValidationError("--grace must be a duration like 5s or 500ms, got '\(grace)'")
        }
        _ = try cachedTools()
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--name must not be empty")
        }
    }

    /// `--cache` values as tool → TTL (`nil`: the cache's default).
    func cachedTools() throws -> [String: Duration?] {
        var tools: [String: Duration?] = [:]
        for value in cache {
            let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let tool = String(parts[0])
            guard !tool.isEmpty else {
                throw ValidationError("--cache needs a tool name, as in --cache get_weather=5m; got '\(value)'")
            }
            if parts.count == 2 {
                guard let ttl = DurationText.parse(String(parts[1])), ttl > .zero else {
                    throw ValidationError(
                        "--cache \(tool): '\(parts[1])' is not a TTL; write it like 30s, 5m or 1h"
                    )
                }
                tools[tool] = .some(ttl)
            } else {
                tools[tool] = .some(nil)
            }
        }
        return tools
    }

    func run() async throws {
        if http {
            try await runHTTP()
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let arguments = serverCommand
        let executable: String
        do {
            executable = try CommandResolver.resolve(arguments[0], path: environment["PATH"])
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(error.exitStatus)
        }
        let serverName = (name ?? (arguments[0] as NSString).lastPathComponent).trimmingCharacters(in: .whitespaces)
        let messageLog = messages.log(server: serverName)
        let recorder = try messages.recorder()
        let surface = ToolSurfaceReader()
        let toolPolicy = try tools.policy(server: serverName, reader: surface)
        let (runtime, logger) = try proxyEngine(environment, actions: .proxy(messageLog, tools: surface))
        let export = try traces.start(
            serviceName: serverName,
            peer: OTLPExporter.Peer(transport: "pipe"),
            environment: environment,
            logger: logger
        )
        export?.report(to: runtime.collector)
        var settings = ProxySettings(
            name: name ?? (arguments[0] as NSString).lastPathComponent,
            arguments: arguments,
            executable: executable,
            cachedTools: try cachedTools(),
            grace: DurationText.parse(grace) ?? .seconds(5)
        )
        settings.name = settings.name.trimmingCharacters(in: .whitespaces)
        settings.toolPolicy = toolPolicy
        let status: Int32
        do {
            status = try await ProxySession.run(
                settings,
                runtime: runtime,
                environment: environment,
                logger: logger,
                spans: export?.exporter,
                messages: messageLog,
                recorder: recorder
            )
        } catch {
            await export?.stop(within: .seconds(1))
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(error.exitStatus)
        }
        await export?.stop(within: DurationText.parse(grace) ?? .seconds(5))
        throw ExitCode(status)
    }

    /// The engine a proxy records into (mode `proxy`: no demo, no uploads) and its logger.
    func proxyEngine(_ environment: [String: String], actions: ControlActions) throws -> (EngineRuntime, Logger) {
        var configuration = try engineConfiguration(environment)
        sharedCache.apply(to: &configuration)
        configuration.endpoint.enabled = true
        configuration.endpoint.host = host
        configuration.endpoint.port = port
        configuration.fileCache.enabled = false
        var logger = try log.bootstrap(label: "dashboard.proxy")
        // Without a log file, stderr is the server's: only problems of the proxy's own go there.
        if log.logFile == nil, logger.logLevel < .warning { logger.logLevel = .warning }
        let runtime = EngineRuntime(
            configuration: configuration,
            options: EngineOptions(
                mode: .proxy,
                demo: nil,
                tokenPath: ControlToken.defaultPath(environment: environment),
                uploads: false
            ),
            actions: actions,
            logger: logger
        )
        if !MetricsTarget.isLoopback(host: host) {
            printError("warning: --host \(host) makes this proxy's metrics endpoint reachable from other machines")
        }
        return (runtime, logger)
    }
}
