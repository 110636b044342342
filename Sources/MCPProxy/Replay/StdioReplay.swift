import Foundation
import MetricsWire

/// One recorded request replayed: what it was, how long it took then and now, and whether the answer is the
/// same.
public struct ReplayedCall: Sendable {
    /// How it ended.
    public enum Outcome: Sendable, Equatable {
        /// The answer is the recorded one (ids, `requestState` and the ignored fields aside).
        case same
        /// The answer differs; where first.
        case differs(JSONDifference)
        /// No answer came (within the timeout, or before the server exited); or none was recorded.
        case unanswered(String)
    }

    /// `tools/call search`, `initialize`, …
    public var call: String
    /// The recording's line of the request.
    public var line: Int
    /// The recorded request's latency, when its answer was recorded.
    public var recordedMs: Double?
    /// The replayed request's latency, when it was answered.
    public var replayedMs: Double?
    /// How it ended.
    public var outcome: Outcome
}

/// Replays a recording's client side against a server started afresh over stdio: each recorded request in
/// order (waiting for its answer), the client's notifications where they were, the server's requests
/// answered with the recorded client's answers, and a multi-round call's retry given the new server's
/// `requestState`.
public enum StdioReplay {
    /// Starts `executable` with `arguments` (its argv, the command's name first), replays `recording` against it and stops it; an answer not in
    /// within `timeout` is counted unanswered.
    public static func run(
        _ recording: Recording,
        executable: String,
        arguments: [String],
        ignoring: Set<String>,
        timeout: Duration = .seconds(30)
    ) async throws(ServerStartError) -> [ReplayedCall] {
        let plan = ReplayPlan(recording)
        let process = try ServerProcess.start(executable: executable, arguments: arguments)
        let lines = LineReader.start(process.stdout)
        let stdin = process.stdin
        var session = ReplaySession(
            plan: plan,
            // One message a line: a body recorded over HTTP has no newline of its own.
            send: { FileDescriptorIO.writeAll(stdin, $0.last == 0x0A ? $0 : $0 + [0x0A]) },
            lines: lines,
            ignoring: ignoring,
            timeout: timeout
        )
        let results = await session.run()
        close(process.stdin)
        let exited = Task { await process.exitStatus() }
        // A server that does not exit when its input ends is asked to, then made to.
        let patience = Task {
            for (wait, signal) in [(Duration.seconds(2), SIGTERM), (.seconds(3), SIGKILL)] {
                try? await Task.sleep(for: wait)
                if Task.isCancelled { return }
                process.signal(signal)
            }
        }
        _ = await exited.value
        patience.cancel()
        return results
    }
}

/// The server's stdout as lines (their newlines dropped), read on a thread of its own, with a tick every
/// 100 ms between them so a reader waiting for a line can give up at its deadline.
struct LineReader: Sendable {
    enum Event: Sendable {
        case line([UInt8])
        case tick
    }

    let events: AsyncStream<Event>

    /// A stream fed by `feed` (which yields lines and finishes it), ticking until it finishes.
    static func fed(by feed: (AsyncStream<Event>.Continuation, Task<Void, Never>) -> Void) -> LineReader {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self)
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                continuation.yield(.tick)
            }
        }
        feed(continuation, ticker)
        return LineReader(events: stream)
    }

    static func start(_ fd: Int32) -> LineReader {
        fed { continuation, ticker in start(fd, continuation: continuation, ticker: ticker) }
    }

    private static func start(_ fd: Int32, continuation: AsyncStream<Event>.Continuation, ticker: Task<Void, Never>) {
        Thread.detachNewThread {
            var lines = LineSplitter()
            // Without its newline.
            let emit = { (line: UnsafeBufferPointer<UInt8>) -> Void in
                continuation.yield(.line(Array(line.last == 0x0A ? line.dropLast() : line[...])))
            }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let count = FileDescriptorIO.read(fd, into: buffer)
                guard count > 0 else { break }
                lines.feed(
                    UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count),
                    emit
                )
            }
            lines.finish(emit)
            ticker.cancel()
            continuation.finish()
        }
    }
}
