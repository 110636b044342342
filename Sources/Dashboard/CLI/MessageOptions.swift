import ArgumentParser
import DashboardUI
import Engine
import MCPProxy

/// `--messages` and `--capture`: the messages a proxy keeps for `GET /v1/messages` and the dashboard.
struct MessageOptions: ParsableArguments {
    @Option(
        name: .customLong("messages"),
        help: ArgumentHelp(
            "Keep the last N messages (time, direction, method, id, size, latency) for the dashboard's Messages "
                + "view and GET /v1/messages; 0 keeps none.",
            valueName: "n"
        )
    )
    var count: Int = MessageLog.defaultCapacity

    @Flag(
        help: ArgumentHelp(
            "Keep each message's payload too (64 KiB at most), secret-looking values redacted; shown to whoever "
                + "has the control token."
        )
    )
    var capture = false

    @Option(
        name: .customLong("record"),
        help: ArgumentHelp(
            "Append every message to this JSON Lines file (mode 0600), each line exactly as relayed: "
                + #"{"t": <epoch s>, "dir": "c2s"|"s2c", "line": "…"}. It holds what the messages say: keep it private."#,
            valueName: "file"
        )
    )
    var record: String?

    /// The most messages `--messages` may keep.
    static let maxCount = 100_000

    func validate() throws {
        guard (0...Self.maxCount).contains(count) else {
            throw ValidationError("--messages must be from 0 to \(Self.maxCount), got \(count)")
        }
        if capture, count == 0 {
            throw ValidationError("--capture keeps payloads in the messages: --messages 0 keeps none")
        }
    }

    /// The recording `--record` asks for, open; nil without it. A file that cannot be opened stops the command
    /// with one line naming it, before the server starts.
    func recorder() throws -> MessageRecorder? {
        guard let record else { return nil }
        do {
            return try MessageRecorder(path: record)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }

    /// The log of the proxy of `server`, or nil with `--messages 0`.
    func log(server: String) -> MessageLog? {
        count == 0 ? nil : MessageLog(server: server, capacity: count, capture: capture)
    }
}

extension ControlActions {
    /// The control API of a proxy keeping `messages`, its server's tools read through `tools`.
    static func proxy(_ messages: MessageLog?, tools: ToolSurfaceReader) -> ControlActions {
        ControlActions(
            messages: messages.map { log in { @Sendable after, limit in log.page(after: after, limit: limit) } },
            tools: { tools.document() }
        )
    }
}
