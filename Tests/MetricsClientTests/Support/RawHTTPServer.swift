import Foundation
import MetricsClient
import MetricsWire
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A deliberately primitive HTTP server on a loopback ephemeral port, for behaviour no real server has:
/// silence, trickling, floods, garbage, HTTP/1.0 without a length. Blocking sockets on their own threads,
/// so the cooperative pool is never blocked.
final class RawHTTPServer: Sendable {
    /// What to do with one accepted connection.
    typealias Behaviour = @Sendable (ServerConnection) -> Void

    private struct State {
        var behaviour: Behaviour
        var connections: [Int32: ServerConnection] = [:]
        var accepted = 0
        var maxBytesWritten = 0
        var stopped = false
    }

    let port: Int
    private let listener: Int32
    private let state: Guarded<State>
    private let closed = Guarded(false)

    convenience init(_ behaviour: @escaping Behaviour) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        try self.init(listening: listener, behaviour)
    }

    /// A server on the port `refusing` held, listening on the very socket that held it.
    convenience init(on refusing: RefusingPort, _ behaviour: @escaping Behaviour) throws {
        try self.init(listening: refusing.take(), behaviour)
    }

    private init(listening listener: Int32, _ behaviour: @escaping Behaviour) throws {
        self.listener = listener
        guard listen(listener, 64) == 0 else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        state = Guarded(State(behaviour: behaviour))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var base: String { "127.0.0.1:\(port)" }

    /// Changes what later connections get.
    func become(_ behaviour: @escaping Behaviour) {
        state.withLock { $0.behaviour = behaviour }
    }

    /// Connections accepted so far.
    var accepted: Int { state.withLock { $0.accepted } }

    /// The most bytes any one connection managed to write.
    var maxBytesWritten: Int { state.withLock { $0.maxBytesWritten } }

    var isStopped: Bool { state.withLock { $0.stopped } }

    /// Connections whose behaviour is still running.
    var openConnections: Int { state.withLock { $0.connections.count } }

    func stop() {
        let open = state.withLock { state in
            state.stopped = true
            return Array(state.connections.values)
        }
        // Only the accept thread closes the listener (when accept fails after this shutdown): closing it
        // here could let a new socket reuse the descriptor before that thread calls accept on it again.
        shutdown(listener, Int32(SHUT_RDWR))
        for connection in open { connection.abort() }
        let deadline = Date().addingTimeInterval(2)
        while !closed.withLock({ $0 }), Date() < deadline { usleep(1_000) }
    }

    private func closeListener() {
        let first = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        if first { closeDescriptor(listener) }
    }

    deinit {
        closeListener()
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                closeListener()
                return
            }
            let (behaviour, connection): (Behaviour?, ServerConnection) = state.withLock { state in
                let connection = ServerConnection(fd: fd, server: self)
                guard !state.stopped else { return (nil, connection) }
                state.accepted += 1
                state.connections[fd] = connection
                return (state.behaviour, connection)
            }
            guard let behaviour else {
                connection.close()
                closeListener()
                return
            }
            let thread = Thread { [self] in
                behaviour(connection)
                state.withLock { state in
                    state.maxBytesWritten = max(state.maxBytesWritten, connection.bytesWritten)
                    state.connections[fd] = nil
                }
                connection.close()
            }
            thread.start()
        }
    }
}

/// The server's side of one connection.
final class ServerConnection: Sendable {
    let fd: Int32
    private let server: RawHTTPServer
    private let state = Guarded((written: 0, closed: false, aborted: false))

    init(fd: Int32, server: RawHTTPServer) {
        self.fd = fd
        self.server = server
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    var bytesWritten: Int { state.withLock { $0.written } }
    var isAborted: Bool { state.withLock { $0.aborted } || server.isStopped }

    /// Reads the request head (up to the blank line); `nil` if the client went away.
    @discardableResult
    func readRequest() -> String? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65_536 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            bytes.append(contentsOf: buffer[0..<count])
            if let text = String(bytes: bytes, encoding: .utf8), text.contains("\r\n\r\n") { return text }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes all of `bytes`; `false` once the client has gone (no SIGPIPE).
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
            state.withLock { $0.written += sent }
        }
        return true
    }

    @discardableResult
    func write(_ text: String) -> Bool {
        write(Array(text.utf8))
    }

    /// Waits until the client closes its side or the server stops, for at most `limit`.
    func waitForClientToLeave(limit: TimeInterval = 30) {
        let deadline = Date().addingTimeInterval(limit)
        var byte: UInt8 = 0
        var pollTimeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &pollTimeout, socklen_t(MemoryLayout<timeval>.size))
        while Date() < deadline, !isAborted {
            let count = recv(fd, &byte, 1, 0)
            if count == 0 { return }
            if count < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR { return }
        }
    }

    /// Sleeps in small steps; `false` if the server stopped meanwhile.
    func pause(_ seconds: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if isAborted { return false }
            Thread.sleep(forTimeInterval: min(0.02, max(0, deadline.timeIntervalSinceNow)))
        }
        return !isAborted
    }

    /// Shuts the socket down (waking a blocked read or write); never after ``close()``, whose descriptor
    /// number may already belong to another socket.
    func abort() {
        state.withLock { state in
            state.aborted = true
            if !state.closed { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    func close() {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            closeDescriptor(fd)
        }
    }
}

private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
