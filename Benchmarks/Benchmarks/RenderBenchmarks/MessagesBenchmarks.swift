import Benchmark
import Foundation
import MetricsWire

/// Frames of the Messages view at 200×60 over a full list (5 000 messages of 8 proxies, payloads captured):
/// following the newest while messages arrive, filtered, and one 64 KiB message opened. The target,
/// ≤ 1 ms per frame, is in BENCHMARKS.md.
let messagesBenchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(3),
        maxIterations: 2_000
    )
    let size = ScreenSize(width: 200, height: 60)
    // 8 proxies × 200 messages/s read twice a second: 800 new messages a frame at worst.
    Benchmark("messages, 5 000 kept, 800 new a frame, 200x60", configuration: configuration) { benchmark, state in
        var state = state
        let arriving = arrivingRows
        for _ in benchmark.scaledIterations {
            state.messages.append(arriving)
            blackHole(drawFrame(&state, size: size))
        }
    } setup: {
        messagesState(filter: "")
    }
    Benchmark("messages, 5 000 kept, no new, 200x60", configuration: configuration) { benchmark, state in
        var state = state
        for _ in benchmark.scaledIterations {
            blackHole(drawFrame(&state, size: size))
        }
    } setup: {
        messagesState(filter: "")
    }
    Benchmark("messages, 5 000 kept, filtered by two words, 200x60", configuration: configuration) {
        benchmark,
        state in
        var state = state
        for _ in benchmark.scaledIterations {
            blackHole(drawFrame(&state, size: size))
        }
    } setup: {
        messagesState(filter: "github error")
    }
    Benchmark("messages, one 64 KiB message opened, 200x60", configuration: configuration) { benchmark, state in
        var state = state
        for _ in benchmark.scaledIterations {
            blackHole(drawFrame(&state, size: size))
        }
    } setup: {
        openedMessageState()
    }
}

/// The Messages view with its newest message, a 64 KiB answer, opened (and laid out by a first frame).
func openedMessageState() -> DashboardState {
    var state = messagesState(filter: "")
    let text = String(repeating: "lorem ipsum ", count: 5_000)
    let payload = #"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"\#(text)"}]}}"#
    let last = state.messages.rows[state.messages.rows.count - 1]
    var entry = last.entry
    entry.payload = String(payload.prefix(MessageEntry.maxPayloadBytes))
    state.messages.rows[state.messages.rows.count - 1] = MessageRow(
        target: last.target,
        server: last.server,
        entry: entry
    )
    state.ui.messages?.opened = last.key
    // The frame after Enter lays the message out (pretty-printed, wrapped) once; the frames measured reuse it.
    _ = drawFrame(&state, size: ScreenSize(width: 200, height: 60))
    return state
}

/// Messages read in one turn of the feed (made once: the feed makes them off the screen loop).
let arrivingRows = messageRows(800, from: 5_000)

/// The eight-target dashboard with the Messages view open over `messageRows(5 000)`.
func messagesState(filter: String) -> DashboardState {
    var state = eightTargetState()
    state.messages.sources = (0..<8).map {
        MessageSource(target: "127.0.0.1:\(9301 + $0)", server: serverNames[$0], capture: true)
    }
    state.messages.append(messageRows(MessageList.capacity, from: 0))
    state.ui.messages = MessagesViewState(filter: filter)
    return state
}

private let serverNames = ["github", "filesystem", "time", "search", "slack", "memory", "postgres", "browser"]

/// `count` captured messages of 8 proxies, requests and their answers, numbered from `first`.
func messageRows(_ count: Int, from first: Int) -> [MessageRow] {
    (first..<(first + count)).map { number in
        let proxy = number % 8
        let call = number / 2
        let isAnswer = number % 2 == 1
        let failed = call % 9 == 4
        let payload =
            isAnswer
            ? (failed
                ? #"{"jsonrpc":"2.0","id":\#(call),"error":{"code":-32602,"message":"bad argument"}}"#
                : #"{"jsonrpc":"2.0","id":\#(call),"result":{"content":[{"type":"text","text":"answer \#(call)"}]}}"#)
            : #"{"jsonrpc":"2.0","id":\#(call),"method":"tools/call","params":{"name":"tool_\#(call % 50)","arguments":{"q":"x"}}}"#
        return MessageRow(
            target: "127.0.0.1:\(9301 + proxy)",
            server: serverNames[proxy],
            entry: MessageEntry(
                seq: number + 1,
                time: 1_764_270_000 + Double(number) * 0.005,
                direction: isAnswer ? .serverToClient : .clientToServer,
                kind: isAnswer ? (failed ? "error" : "result") : "request",
                method: "tools/call",
                id: "\(call)",
                tool: "tool_\(call % 50)",
                bytes: payload.utf8.count,
                latencyMs: isAnswer ? 12.5 : nil,
                outcome: isAnswer ? (failed ? "-32602" : "ok") : nil,
                payload: payload
            )
        )
    }
}
