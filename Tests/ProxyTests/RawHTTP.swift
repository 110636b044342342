import Foundation
import MetricsClient
import MetricsWire
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The real `dashboard proxy --http` binary, in a process of its own (its relay never waits for the
/// threads the concurrent tests share), in front of `upstream`.
final class HTTPProxyProcess: Sendable {
    let process: Process
    let port: Int
    let stateHome: String
    private let errorText = TextSink()

    /// What the proxy wrote on stderr so far.
    var standardError: String { errorText.text.withLock { $0 } }

    final class TextSink: Sendable {
        let text = Guarded("")
    }

    /// Starts the proxy; with `priority`, at that niceness (where allowed: the suite's other tests share the
    /// machine's cores, and a relay's latency is measured, not the scheduler's).
    init(upstream: String, options: [String] = [], priority: Int? = nil) async throws {
        stateHome = NSTemporaryDirectory() + "http-proxy-state-\(UUID().uuidString)"
        process = Process()
        let command =
            [BuiltExecutable.path("dashboard"), "proxy", "--http", "--listen", "127.0.0.1:0", "--upstream", upstream]
            + options
        if let priority, FileManager.default.isExecutableFile(atPath: "/usr/bin/nice") {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
            process.arguments = ["-n", "\(priority)"] + command
        } else {
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
        }
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = stateHome
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let sink = errorText
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            sink.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        var found: Int?
        while found == nil, ContinuousClock.now < deadline, process.isRunning {
            let seen = sink.text.withLock { $0 }
            if let range = seen.range(of: "proxy listening on http://127.0.0.1:") {
                found = Int(seen[range.upperBound...].prefix { $0.isNumber })
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        guard let found else {
            process.terminate()
            throw RawHTTPError("the proxy did not start: \(sink.text.withLock { $0 })")
        }
        port = found
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: stateHome)
    }
}

struct RawHTTPError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One HTTP exchange over a blocking socket on a thread of its own: every read is stamped the moment it
/// returns, so arrival times do not depend on when a task gets to run.
enum RawHTTP {
    /// Sends `request` (a whole HTTP/1.1 request) to `127.0.0.1:port` and reads until the server closes,
    /// handing each read to `onRead` as it returns.
    static func exchange(
        port: Int,
        request: String,
        onRead: @escaping @Sendable ([UInt8]) -> Void = { _ in }
    ) async throws -> [(ContinuousClock.Instant, [UInt8])] {
        try await offThePool {
            let connection = try RawConnection(port: port)
            try connection.send(request)
            var reads: [(ContinuousClock.Instant, [UInt8])] = []
            // Until the server closes (or the connection fails, as a reset after the last answer does).
            while let read = (try? connection.readSome()) ?? nil {
                reads.append(read)
                onRead(read.1)
            }
            return reads
        }
    }
}

/// An upstream on a blocking socket and a thread of its own that answers one request with `events`, each
/// stamped the moment `send` returns (so the stamps are the wire's, not a task's). Before each event it calls
/// `before(index)`, which may wait (for the client to have had the previous one, say).
final class RawSSEUpstream: Sendable {
    let port: Int
    private let listener: Listener
    let sent = HTTPProxyTests.Instants()
    private let served = Guarded(false)

    init() throws {
        let (socket, port) = try loopbackListener()
        (listener, self.port) = (Listener(socket), port)
    }

    /// Serves one request on a thread of its own.
    func serve(events: [String], before: @escaping @Sendable (Int) -> Void) {
        let listener = self.listener
        let sent = self.sent
        served.withLock { $0 = true }
        Thread.detachNewThread {
            let connection = accept(listener.socket, nil, nil)
            listener.close()
            guard connection >= 0 else { return }
            defer { close(connection) }
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: request, as: UTF8.self).contains("\r\n\r\n") {
                let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return }
                request += buffer[..<count]
            }
            func write(_ text: String) {
                let bytes = Array(text.utf8)
                _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            for (index, event) in events.enumerated() {
                before(index)
                write(String(event.utf8.count, radix: 16) + "\r\n" + event + "\r\n")
                sent.add()
            }
            write("0\r\n\r\n")
        }
    }

    deinit {
        if served.withLock({ $0 }) { listener.wake() } else { listener.close() }
    }
}

extension Duration {
    fileprivate var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// An upstream on blocking sockets that answers every request of every connection with `answer(connection,
/// request)`: the whole HTTP response to send, or nil to close the connection without answering (with
/// `closeAfterAnswer`, it closes that long after every answer; with `answerBeforeBody`, it answers that
/// long after a request's head and then reads nothing more, as a server refusing a body does). The parts of a
/// response around ``pause`` are sent 100 ms apart. It reads bodies framed by Content-Length or chunked, and
/// answers `Expect: 100-continue` with a 100 before reading the body, as servers do; `request` is the request
/// as it arrived. Each connection gets a thread of its own; `connections` counts them.
final class RawScriptedUpstream: Sendable {
    let port: Int
    private let listener: Listener
    private let accepted = Counter()

    /// How many connections the upstream accepted.
    var connections: Int { accepted.value }

    private final class Counter: Sendable {
        private let count = Guarded(0)
        var value: Int { count.withLock { $0 } }
        func next() -> Int {
            count.withLock { count in
                count += 1
                return count
            }
        }
    }

    /// Where a response is sent in two writes, 100 ms apart.
    static let pause = "\u{0}pause\u{0}"

    init(
        closeAfterAnswer: Duration? = nil,
        answerBeforeBody: Duration? = nil,
        answer: @escaping @Sendable (_ connection: Int, _ request: String) -> String?
    ) throws {
        let (socket, port) = try loopbackListener()
        (listener, self.port) = (Listener(socket), port)
        let (listener, accepted) = (self.listener, self.accepted)
        Thread.detachNewThread {
            while true {
                let connection = accept(listener.socket, nil, nil)
                guard connection >= 0 else {
                    if errno == EINTR { continue }
                    listener.close()
                    return
                }
                let index = accepted.next()
                Thread.detachNewThread {
                    Self.serve(
                        connection,
                        index: index,
                        closeAfterAnswer: closeAfterAnswer,
                        answerBeforeBody: answerBeforeBody,
                        answer: answer
                    )
                }
            }
        }
    }

    private static func serve(
        _ connection: Int32,
        index: Int,
        closeAfterAnswer: Duration?,
        answerBeforeBody: Duration?,
        answer: (Int, String) -> String?
    ) {
        defer { close(connection) }
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        /// Reads until `pending` holds `count` bytes; false if the peer left first.
        func fill(_ count: Int) -> Bool {
            while pending.count < count {
                let read = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard read > 0 else { return false }
                pending += buffer[..<read]
            }
            return true
        }
        /// Reads until `pending` holds `marker` at or after `offset`; the index just past it.
        func read(until marker: String, after offset: Int) -> Int? {
            let marker = Array(marker.utf8)
            while true {
                if pending.count > offset, let range = pending[offset...].firstRange(of: marker) {
                    return range.upperBound
                }
                guard fill(pending.count + 1) else { return nil }
            }
        }
        func write(_ text: String) {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        while true {
            guard let end = read(until: "\r\n\r\n", after: 0) else { return }
            let lines = String(decoding: pending[..<end], as: UTF8.self).lowercased().split(separator: "\r\n")
            if lines.contains("expect: 100-continue") { write("HTTP/1.1 100 Continue\r\n\r\n") }
            if let answerBeforeBody {
                Thread.sleep(forTimeInterval: answerBeforeBody.inSeconds)
                if let response = answer(index, String(decoding: pending[..<end], as: UTF8.self)) { write(response) }
                Thread.sleep(forTimeInterval: 20)
                return
            }
            var requestEnd = end
            if lines.contains(where: { $0.hasPrefix("transfer-encoding:") && $0.hasSuffix("chunked") }) {
                // Chunk by chunk (size lines with extensions), then trailer lines up to an empty one.
                while true {
                    guard let sizeEnd = read(until: "\r\n", after: requestEnd) else { return }
                    let digits = String(decoding: pending[requestEnd..<sizeEnd - 2], as: UTF8.self)
                    guard let size = Int(digits.prefix { $0.isHexDigit }, radix: 16) else { return }
                    if size > 0 {
                        guard fill(sizeEnd + size + 2) else { return }
                        requestEnd = sizeEnd + size + 2
                        continue
                    }
                    requestEnd = sizeEnd
                    while let lineEnd = read(until: "\r\n", after: requestEnd), lineEnd != requestEnd + 2 {
                        requestEnd = lineEnd
                    }
                    requestEnd += 2
                    guard fill(requestEnd) else { return }
                    break
                }
            } else {
                let length =
                    lines.first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                guard fill(end + length) else { return }
                requestEnd = end + length
            }
            let request = String(decoding: pending[..<requestEnd], as: UTF8.self)
            pending.removeFirst(requestEnd)
            guard let response = answer(index, request) else { return }
            for (index, part) in response.components(separatedBy: pause).enumerated() {
                if index > 0 { Thread.sleep(forTimeInterval: 0.1) }
                write(part)
            }
            if let closeAfterAnswer {
                Thread.sleep(forTimeInterval: closeAfterAnswer.inSeconds)
                return
            }
        }
    }

    deinit { listener.wake() }
}

/// A listening socket that only the thread accepting on it closes: closed by anyone else, its number could
/// belong to another socket (one of the NIO servers beside) by the time that thread calls accept again.
private final class Listener: Sendable {
    let socket: Int32
    private let closed = Guarded(false)

    init(_ socket: Int32) { self.socket = socket }

    /// Closes the socket, once; called by the accepting thread.
    func close() {
        closed.withLock { closed in
            if !closed { _ = Glibc.close(socket) }
            closed = true
        }
    }

    /// Wakes the thread blocked in accept (it then closes the socket), unless it is closed already.
    func wake() {
        closed.withLock { closed in
            if !closed { shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }
}

/// A socket listening on a free loopback port, and the port.
private func loopbackListener() throws -> (Int32, Int) {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard bound == 0, listen(socket, 64) == 0 else { throw RawHTTPError("bind/listen: \(errno)") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(socket, $0, &length) }
    }
    return (socket, Int(UInt16(bigEndian: address.sin_port)))
}
