import Engine
import Foundation

/// The two directions of the relay, each a blocking loop on a thread of its own. Server to client: read a
/// chunk, forward it unchanged, then let the observer look at its lines (and the recorder keep them, with
/// `--record`). Client to server: observe each
/// line, then forward it unchanged. Back-pressure is the pipes' own: a side
/// that stops reading blocks the writes to it, and so the reads from the other side.
enum RelayPump {
    /// Bytes read per system call.
    static let chunkBytes = 64 * 1024

    /// Client (the proxy's stdin) to server, until the client closes its end; then closes the server's
    /// stdin. With a result cache, each complete line is observed *before* it is forwarded, so a cached
    /// tool's call can be answered instead; without one, the lines of a read are forwarded first and observed
    /// right after, off the call's path (an answer the server sends back before its request was observed
    /// waits for it, timed from when the request was read). Lines are held only until their newline (servers
    /// read whole lines anyway); a line over `lineLimit` is forwarded as it arrives.
    static func clientToServer(
        from input: Int32,
        to server: Int32,
        observer: ProxyObserver,
        output: ClientOutput,
        lineLimit: Int,
        recorder: MessageRecorder? = nil
    ) {
        var framer = LineFramer(limit: lineLimit)
        var recorded = recorder.map { MessageRecorder.Splitter($0, .clientToServer) }
        var serverOpen = true
        var outgoing: [UInt8] = []
        let observesFirst = observer.answersCalls
        // Where the lines still to observe are in `outgoing`.
        var unobserved: [Range<Int>] = []
        withChunks(from: input) { chunk in
            let instant = ContinuousClock.now
            recorded?.feed(chunk)
            outgoing.removeAll(keepingCapacity: true)
            framer.feed(
                chunk,
                line: { line in
                    if !observesFirst {
                        unobserved.append(outgoing.count..<outgoing.count + line.count)
                    } else if let answer = observer.clientLine(line, at: instant) {
                        output.inject(answer)
                        recorder?.record(answer, direction: .serverToClient)
                        return
                    }
                    outgoing.append(contentsOf: line)
                    outgoing.append(0x0A)
                },
                oversized: { observer.oversizedLine(from: .client, head: $0, tail: $1, at: instant) },
                overflow: { outgoing.append(contentsOf: $0) }
            )
            if serverOpen, !outgoing.isEmpty { serverOpen = FileDescriptorIO.writeAll(server, outgoing) }
            if !unobserved.isEmpty {
                outgoing.withUnsafeBufferPointer { bytes in
                    for range in unobserved {
                        observer.clientLine(UnsafeBufferPointer(rebasing: bytes[range]), at: instant)
                    }
                }
                unobserved.removeAll(keepingCapacity: true)
            }
            // Give a large buffer's memory back after a long line.
            if outgoing.capacity > 1 << 20 { outgoing = [] }
        }
        if serverOpen {
            // A last line without a newline is forwarded as it is.
            FileDescriptorIO.writeAll(server, framer.drain())
        }
        recorded?.finish()
        observer.clientClosed()
        close(server)
    }

    /// Server to client (the proxy's stdout), until the server closes its stdout. When the client stops
    /// reading, the server's output is still read (and observed) so the server never blocks on it.
    static func serverToClient(
        from server: Int32,
        output: ClientOutput,
        observer: ProxyObserver,
        lineLimit: Int,
        recorder: MessageRecorder? = nil
    ) {
        var framer = LineFramer(limit: lineLimit)
        var recorded = recorder.map { MessageRecorder.Splitter($0, .serverToClient) }
        // Under --tools-policy block a tools/list answer is looked at before the client has it: a client that
        // calls a tool right after listing must find the proxy judging by that list, not the one before.
        let observesFirst = observer.blocksChangedTools
        withChunks(from: server) { chunk in
            // Taken before the write: once written, the client may read the answer before this thread runs
            // again, and a call must never measure longer than the client saw it take.
            let instant = ContinuousClock.now
            if !observesFirst { output.relay(chunk) }
            recorded?.feed(chunk)
            framer.feed(
                chunk,
                line: { observer.serverLine($0, at: instant) },
                oversized: { observer.oversizedLine(from: .server, head: $0, tail: $1, at: instant) }
            )
            if observesFirst { output.relay(chunk) }
        }
        recorded?.finish()
        output.finish()
        close(server)
    }

    private static func withChunks(from fd: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = FileDescriptorIO.read(fd, into: buffer)
            guard count > 0 else { return }
            body(UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count))
        }
    }
}
