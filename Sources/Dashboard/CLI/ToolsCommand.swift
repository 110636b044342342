import ArgumentParser
import DashboardUI
import Foundation
import MCPProxy
import MetricsClient
import MetricsWire

/// `dashboard tools`: a proxy's view of its server's tools.
struct ToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools",
        abstract: "Work with the tools a proxied server lists.",
        subcommands: [ToolsPinCommand.self]
    )
}

/// `dashboard tools pin`: writes a server's current tools to a baseline file.
struct ToolsPinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Write a proxied server's current tools to a baseline file (for proxy --tools-baseline and check).",
        discussion: """
            Reads the tools the proxy last saw its server list (GET /v1/tools, with the control token) and \
            writes them as canonical JSON: each tool's definition (name, title, description, input and output \
            schemas, annotations) and its SHA-256, tools by name, so the same tools always make the same file. \
            Start a proxy with --tools-baseline FILE to have every difference reported (and with \
            --tools-policy block, calls of changed tools refused); `dashboard check --tools-baseline FILE` \
            fails when the tools differ.
            """
    )

    @Option(help: ArgumentHelp("The proxy's metrics port.", valueName: "host:port"))
    var attach: String?

    @Option(help: ArgumentHelp("A local proxy, by its --name (found in the discovery folder).", valueName: "name"))
    var local: String?

    @Option(help: ArgumentHelp("The file to write.", valueName: "file"))
    var out: String

    @Option(
        help: ArgumentHelp(
            "The control token (else METRICS_CONTROL_TOKEN, else the local token file).",
            valueName: "token"
        )
    )
    var token: String?

    func validate() throws {
        guard (attach == nil) != (local == nil) else {
            throw ValidationError("give --attach HOST:PORT or --local NAME (one of them)")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let target = try Self.target(attach: attach, local: local, environment: environment)
        let client = ControlClient(
            target: target,
            credential: ControlCredential.resolve(flag: token, environment: environment, target: target)
        )
        let data: Data
        do {
            data = try await client.tools()
        } catch {
            printError("tools pin: \(error)")
            throw ExitCode(2)
        }
        let baseline: ToolsBaseline
        do {
            baseline = try ToolsBaseline.parse(Array(data), path: "the answer of \(target)")
        } catch {
            printError("tools pin: \(error)")
            throw ExitCode(2)
        }
        if baseline.unreadable {
            printError(
                "tools pin: the server's latest tools/list was too long for the proxy to read; nothing is pinned"
            )
            throw ExitCode(2)
        }
        do {
            try Data(baseline.document.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            printError("tools pin: cannot write \(out): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        print(
            "pinned \(baseline.tools.count) tool\(baseline.tools.count == 1 ? "" : "s") of \(baseline.server) to \(out)"
        )
    }

    /// The proxy at `attach`, or the local one named `local`.
    static func target(attach: String?, local: String?, environment: [String: String]) throws -> MetricsTarget {
        if let attach {
            do {
                return try MetricsTarget(parsing: attach)
            } catch {
                throw ValidationError("--attach \(attach): \(error)")
            }
        }
        let found = LocalInstances.scan(folders: LocalInstances.folders(environment: environment)).instances
        guard let instance = found.first(where: { $0.server == local }) else {
            let names = found.map(\.server)
            throw ValidationError(
                "no local proxy named '\(local ?? "")' is running"
                    + (names.isEmpty ? "" : " (running: \(names.joined(separator: ", ")))")
            )
        }
        do {
            return try MetricsTarget(parsing: instance.target)
        } catch {
            throw ValidationError("the discovery file of '\(instance.server)' names no usable target: \(error)")
        }
    }
}
