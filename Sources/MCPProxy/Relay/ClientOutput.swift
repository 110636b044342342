import Engine
import MetricsWire

/// The proxy's stdout: the server's bytes, relayed unchanged, and the cache's answers, which go in only
/// between two of the server's lines so no line is ever split.
final class ClientOutput: Sendable {
    private let fd: Int32
    private let state = Guarded(State())

    private struct State {
        /// The server's last byte written was not a newline.
        var midLine = false
        /// Answers waiting for the server's current line to end.
        var queued: [[UInt8]] = []
        /// The client stopped reading (EPIPE): further bytes are dropped.
        var closed = false
    }

    init(fd: Int32) {
        self.fd = fd
    }

    /// Whether the client has stopped reading.
    var closed: Bool { state.withLock { $0.closed } }

    /// Relays bytes the server wrote. Returns `false` once the client is gone.
    @discardableResult
    func relay(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty else { return true }
        return state.withLock { state in
            guard !state.closed else { return false }
            guard let lastNewline = bytes.lastNewline else {
                state.closed = !FileDescriptorIO.writeAll(fd, UnsafeRawBufferPointer(bytes))
                state.midLine = true
                return !state.closed
            }
            let through = UnsafeBufferPointer(rebasing: bytes[...lastNewline])
            let after = UnsafeBufferPointer(rebasing: bytes[(lastNewline + 1)...])
            guard FileDescriptorIO.writeAll(fd, UnsafeRawBufferPointer(through)) else {
                state.closed = true
                return false
            }
            state.midLine = false
            flushQueued(&state)
            if !after.isEmpty, !state.closed {
                state.closed = !FileDescriptorIO.writeAll(fd, UnsafeRawBufferPointer(after))
                state.midLine = true
            }
            return !state.closed
        }
    }

    /// Sends a whole line of the proxy's own (a cached answer): now, or when the server's line ends.
    func inject(_ line: [UInt8]) {
        state.withLock { state in
            guard !state.closed else { return }
            if state.midLine {
                state.queued.append(line)
            } else {
                state.closed = !FileDescriptorIO.writeAll(fd, line)
            }
        }
    }

    /// The server's output ended: answers still waiting are sent.
    func finish() {
        state.withLock { state in
            state.midLine = false
            flushQueued(&state)
        }
    }

    private func flushQueued(_ state: inout State) {
        for line in state.queued where !state.closed {
            state.closed = !FileDescriptorIO.writeAll(fd, line)
        }
        state.queued = []
    }
}
