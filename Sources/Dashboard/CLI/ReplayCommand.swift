import ArgumentParser
import DashboardUI
import Foundation
import MCPProxy
import MetricsWire

/// `dashboard replay`: runs a recorded session again against a server and says which answers changed.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a session recorded with `dashboard proxy --record` against a server; compare the answers.",
        usage: """
            dashboard replay <file> [--ignore <json-pointer>]… [--timeout <duration>] -- <command> [<arguments>…]
              dashboard replay <file> [--ignore <json-pointer>]… [--timeout <duration>] --upstream <url>
            """,
        discussion: """
            Starts the server (stdio), or talks to the Streamable-HTTP server at --upstream (each message             POSTed with the session id, protocol version, Mcp-Method and Mcp-Name headers a client sends;             the session deleted at the end), sends it the recorded client's messages in order — each request waiting \
            for its answer, the server's own requests (sampling, elicitation) answered as the client answered \
            them, a multi-round call's retry given this server's requestState — and compares each answer with \
            the recorded one. Ids and requestState values (encrypted afresh by every server process) are not \
            compared, nor the fields named with --ignore (a JSON pointer into the answer, e.g. \
            /result/content/0/text; repeatable). A table lists each call: its recorded and replayed latency, \
            same or differs, and the first difference.

            Exit status: 0 every answer is the same; 1 one differs or is missing; 2 bad input (the file \
            cannot be read, or a line is not a record: its number is named).
            """
    )

    @Argument(help: ArgumentHelp("The recording (`dashboard proxy --record FILE`).", valueName: "file"))
    var file: String

    @Option(
        help: ArgumentHelp(
            "A JSON pointer into the answers not to compare (repeatable), e.g. /result/content/0/text.",
            valueName: "json-pointer"
        )
    )
    var ignore: [String] = []

    @Option(help: ArgumentHelp("How long each request may take before it counts as unanswered.", valueName: "duration"))
    var timeout: String = "30s"

    @Option(
        help: ArgumentHelp(
            "The Streamable-HTTP server to replay against (its MCP endpoint), instead of a command.",
            valueName: "url"
        )
    )
    var upstream: String?

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The server's command.", valueName: "command"))
    var serverCommand: [String] = []

    func validate() throws {
        if let upstream {
            guard serverCommand.isEmpty else {
                throw ValidationError("give either --upstream or a command after --, not both")
            }
            guard let url = URL(string: upstream), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                url.host != nil
            else {
                throw ValidationError("--upstream must be an http:// or https:// URL, got '\(upstream)'")
            }
        } else if serverCommand.isEmpty {
            throw ValidationError(
                "give the server's command after --, e.g. dashboard replay session.jsonl -- uvx mcp-server-time, "
                    + "or its URL with --upstream http://127.0.0.1:8000/mcp"
            )
        }
        guard DurationText.parse(timeout) != nil else {
            throw ValidationError("--timeout must be a duration like 30s or 500ms, got '\(timeout)'")
        }
        for pointer in ignore where !(pointer.isEmpty || pointer.hasPrefix("/")) {
            throw ValidationError(
                "--ignore takes a JSON pointer starting with /, like /result/content; got '\(pointer)'"
            )
        }
    }

    func run() async throws {
        let recording: Recording
        do {
            recording = try Recording.read(path: file)
        } catch {
            printError("replay: \(error.description)")
            throw ExitCode(2)
        }
        let timeout = DurationText.parse(timeout) ?? .seconds(30)
        let results: [ReplayedCall]
        if let upstream {
            do {
                results = try await HTTPReplay.run(recording, url: upstream, ignoring: Set(ignore), timeout: timeout)
            } catch {
                printError("replay: \(error.description)")
                throw ExitCode(2)
            }
        } else {
            let environment = ProcessInfo.processInfo.environment
            let executable: String
            do {
                executable = try CommandResolver.resolve(serverCommand[0], path: environment["PATH"])
            } catch {
                printError("replay: \(error.description)")
                throw ExitCode(2)
            }
            do {
                results = try await StdioReplay.run(
                    recording,
                    executable: executable,
                    arguments: serverCommand,
                    ignoring: Set(ignore),
                    timeout: timeout
                )
            } catch {
                printError("replay: \(error.description)")
                throw ExitCode(2)
            }
        }
        print(Self.table(results), terminator: "")
        let same = results.filter { $0.outcome == .same }.count
        print("\(same) of \(results.count) answers the same")
        if same != results.count { throw ExitCode(1) }
    }

    /// The results as a table: line, call, recorded and replayed latency, result, first difference.
    static func table(_ results: [ReplayedCall]) -> String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.1f ms", $0) } ?? "—" }
        let rows = results.map { result -> [String] in
            let (verdict, detail): (String, String) =
                switch result.outcome {
                case .same: ("same", "")
                case .differs(let difference):
                    (
                        "DIFFERS",
                        "\(difference.pointer.isEmpty ? "/" : difference.pointer): "
                            + "\(Self.short(difference.recorded)) → \(Self.short(difference.replayed))"
                    )
                case .unanswered(let why): ("MISSING", why)
                }
            return [String(result.line), result.call, ms(result.recordedMs), ms(result.replayedMs), verdict, detail]
        }
        let header = ["LINE", "CALL", "RECORDED", "REPLAYED", "RESULT", "FIRST DIFFERENCE"]
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        return line(header) + rows.map(line).joined()
    }

    static func short(_ json: String?) -> String {
        guard let json else { return "(absent)" }
        return DisplayText.singleLine(json, maxLength: 60)
    }
}
