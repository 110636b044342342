import Foundation
import Logging
import MCP
import SystemPackage

// MARK: - Transport

/// A transport to a server over the pipe descriptors of its stdin and stdout.
///
/// Outgoing messages are written by `StdioTransport`, one at a time: its `send`
/// suspends for 10 ms whenever the non-blocking pipe is full, and because actors are
/// re-entrant a concurrent `send` would otherwise splice its bytes into the
/// unfinished message.
///
/// Incoming messages are read as chosen by ``MCPPeer/Reading``.
///
/// At end-of-file `StdioTransport` merely finishes its stream; `Client`'s message loop
/// then re-subscribes in a tight loop and its pending requests are never resumed.
/// This transport instead ends the stream with `MCPError.connectionClosed`, which
/// stops that loop, and calls `onEndOfStream` once every message that preceded
/// end-of-file has been handed to the client.
actor PipeTransport: Transport {
    private let inner: StdioTransport
    private let reading: MCPPeer.Reading
    /// The read end of the server's stdout; owned by this transport.
    private let fromServer: CInt
    /// The descriptor `StdioTransport` reads: `fromServer`, or `/dev/null` when
    /// this transport reads `fromServer` itself.
    private let innerInput: CInt
    private let onEndOfStream: @Sendable () -> Void
    private var upstream: AsyncThrowingStream<Data, Swift.Error>.Iterator?
    private var disconnected = false
    private var writing = false
    private var waitingWriters: [CheckedContinuation<Void, Never>] = []

    nonisolated var logger: Logger { inner.logger }

    /// - Parameters:
    ///   - fromServer: The read end of the server's stdout, closed by the transport.
    ///   - toServer: The write end of the server's stdin, left open.
    init(
        fromServer: CInt,
        toServer: CInt,
        reading: MCPPeer.Reading,
        onEndOfStream: @escaping @Sendable () -> Void
    ) throws {
        let innerInput: CInt
        switch reading {
        case .stdioTransport:
            innerInput = fromServer
        case .lineReader:
            innerInput = open("/dev/null", O_RDONLY | O_CLOEXEC)
            guard innerInput >= 0 else {
                throw MCPError.transportError(Errno(rawValue: errno))
            }
        }
        self.innerInput = innerInput
        self.inner = StdioTransport(
            input: FileDescriptor(rawValue: innerInput),
            output: FileDescriptor(rawValue: toServer)
        )
        self.reading = reading
        self.fromServer = fromServer
        self.onEndOfStream = onEndOfStream
    }

    func connect() async throws {
        try await inner.connect()
        switch reading {
        case .stdioTransport:
            upstream = await inner.receive().makeAsyncIterator()
        case .lineReader:
            let (stream, continuation) = AsyncThrowingStream<Data, Swift.Error>.makeStream()
            let descriptor = fromServer
            Thread.detachNewThread {
                Self.readLines(from: descriptor, into: continuation)
            }
            upstream = stream.makeAsyncIterator()
        }
    }

    func disconnect() async {
        guard !disconnected else { return }
        disconnected = true
        await inner.disconnect()
        // `StdioTransport` never reads again once it is disconnected.
        Foundation.close(innerInput)
    }

    func send(_ data: Data) async throws {
        if writing {
            await withCheckedContinuation { waitingWriters.append($0) }
        } else {
            writing = true
        }
        defer {
            if waitingWriters.isEmpty {
                writing = false
            } else {
                waitingWriters.removeFirst().resume()
            }
        }
        try await inner.send(data)
    }

    func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        AsyncThrowingStream { [self] in try await self.nextMessage() }
    }

    /// The next message from the server; runs on the consuming task, so it is called
    /// only after the client has handled the previous message.
    private func nextMessage() async throws -> Data? {
        guard var iterator = upstream else { return nil }
        do {
            if let message = try await iterator.next(isolation: self) {
                upstream = iterator
                return message
            }
        } catch {
            upstream = nil
            throw error
        }
        upstream = nil
        if disconnected || Task.isCancelled {
            return nil
        }
        onEndOfStream()
        throw MCPError.connectionClosed
    }

    /// Reads newline-delimited messages from a blocking descriptor until end-of-file,
    /// then closes it. Every byte is examined once, however long the line.
    private static func readLines(
        from descriptor: CInt,
        into continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    ) {
        defer { Foundation.close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var pending: [UInt8] = []
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 {
                continuation.finish()
                return
            }
            if count < 0 {
                let error = errno
                if error == EINTR { continue }
                continuation.finish(throwing: MCPError.transportError(Errno(rawValue: error)))
                return
            }
            let scanFrom = pending.count
            pending.append(contentsOf: chunk[..<count])
            var lineStart = 0
            var searchFrom = scanFrom
            while let newline = pending[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                if newline > lineStart {
                    continuation.yield(Data(pending[lineStart..<newline]))
                }
                lineStart = newline + 1
                searchFrom = lineStart
            }
            pending.removeFirst(lineStart)
        }
    }
}
