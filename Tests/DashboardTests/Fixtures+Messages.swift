import Foundation
import MetricsClient
import MetricsWire

@testable import DashboardUI

/// Messages read from three proxies (one capturing payloads, one without, one that refused the token) and
/// an engine that keeps none.
extension Fixtures {
    /// The message list: calls of every kind, the newest at the end, 2 per 100 ms.
    static func messageList(count: Int = 60) -> MessageList {
        var list = MessageList()
        list.sources = [
            MessageSource(target: "127.0.0.1:9301", server: "github", capture: true),
            MessageSource(target: "127.0.0.1:9302", server: "filesystem", capture: false),
            MessageSource(
                target: "127.0.0.1:9303",
                server: "time",
                problem: "the proxy refused the token (pass its token with --token or METRICS_CONTROL_TOKEN)",
                brief: "token refused"
            ),
            MessageSource(
                target: "127.0.0.1:9109",
                server: "engine",
                problem: "no message log: not a `dashboard proxy` (engines keep no messages)",
                brief: "not a proxy"
            ),
        ]
        let tools = ["search_code", "read_file", "create_issue", "list_directory"]
        var rows: [MessageRow] = []
        for call in 0..<(count / 2) {
            let capturing = call % 3 != 1
            let target = capturing ? "127.0.0.1:9301" : "127.0.0.1:9302"
            let server = capturing ? "github" : "filesystem"
            let time = now.timeIntervalSince1970 + Double(call) * 0.1
            let tool = tools[call % tools.count]
            let id = "\(call + 3)"
            let isPing = call % 7 == 6
            let method = isPing ? "ping" : "tools/call"
            let failed = call % 5 == 4
            let request =
                isPing
                ? #"{"jsonrpc":"2.0","id":\#(id),"method":"ping"}"#
                : #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":{"query":"q\#(call)","token":"‹redacted›"}}}"#
            let answer =
                isPing
                ? #"{"jsonrpc":"2.0","id":\#(id),"result":{}}"#
                : failed
                    ? #"{"jsonrpc":"2.0","id":\#(id),"error":{"code":-32602,"message":"unknown argument: query"}}"#
                    : #"{"jsonrpc":"2.0","id":\#(id),"result":{"content":[{"type":"text","text":"\#(tool) answered call \#(call)"}]}}"#
            rows.append(
                MessageRow(
                    target: target,
                    server: server,
                    entry: MessageEntry(
                        seq: call * 2 + 1,
                        time: time,
                        direction: .clientToServer,
                        kind: "request",
                        method: method,
                        id: id,
                        tool: isPing ? nil : tool,
                        bytes: request.utf8.count,
                        payload: capturing ? request : nil
                    )
                )
            )
            rows.append(
                MessageRow(
                    target: target,
                    server: server,
                    entry: MessageEntry(
                        seq: call * 2 + 2,
                        time: time + 0.0123 + Double(call % 4) * 0.02,
                        direction: .serverToClient,
                        kind: failed ? "error" : "result",
                        method: method,
                        id: id,
                        tool: isPing ? nil : tool,
                        bytes: answer.utf8.count,
                        latencyMs: 12.3 + Double(call % 4) * 20,
                        outcome: failed ? "-32602" : "ok",
                        payload: capturing ? answer : nil
                    )
                )
            )
        }
        list.append(rows)
        return list
    }

    /// Eight proxies' targets with `list` read from them, the Messages view open as `view` says.
    static func messagesState(
        _ view: MessagesViewState = MessagesViewState(),
        list: MessageList = messageList(),
        size: ScreenSize
    ) -> DashboardState {
        var state = manyTargets(count: 8, toolsEach: 3)
        state.messages = list
        state.ui.messages = view
        // The frame resolves the keys' moves, as the screen loop's does.
        _ = drawFrame(&state, size: size)
        return state
    }
}
