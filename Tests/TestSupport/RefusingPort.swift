import Foundation
import Synchronization

/// A loopback TCP port that refuses connections: a socket bound to it and never listened on. While it is
/// held no other socket can bind the port (the kernel neither hands it out for port 0 nor lets a server
/// take it), so a test that expects "connection refused" cannot meet another test's server there.
public final class RefusingPort: Sendable {
    /// The port number.
    public let port: Int
    private let socket: Atomic<Int32>

    /// Holds a port the kernel picks.
    public init() throws {
        let (socket, port) = try Self.bindAnyPort()
        self.socket = Atomic(socket)
        self.port = port
    }

    /// Holds `port` as soon as it can be bound — a killed process's listening socket closes as the process
    /// dies — trying for up to `patience`.
    public init(port: Int, patience: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + patience
        while true {
            do {
                // SO_REUSEADDR lets it bind past the dead server's connections in TIME_WAIT.
                let (socket, bound) = try Self.bind(port: port, reuse: true)
                self.socket = Atomic(socket)
                self.port = bound
                return
            } catch  where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    /// Hands the bound socket over to a server of the test's, which listens on it: the port goes from
    /// refusing to answering with no moment in which another socket could take it. The caller closes it.
    public func take() -> Int32 {
        socket.exchange(-1, ordering: .relaxed)
    }

    /// Closes the socket: the port is free for anyone. Once is enough; it is also done when the holder goes
    /// away.
    public func release() {
        let socket = socket.exchange(-1, ordering: .relaxed)
        if socket >= 0 { close(socket) }
    }

    deinit { release() }

    /// A socket bound to a port the kernel picks; tried again a few times when none is free at once (the
    /// whole suite's connections take ports and give them back).
    private static func bindAnyPort() throws(POSIXError) -> (Int32, Int) {
        for _ in 0..<20 {
            do {
                return try bind(port: 0, reuse: false)
            } catch  where error.code == .EADDRINUSE {
                usleep(5_000)
            }
        }
        return try bind(port: 0, reuse: false)
    }

    private static func bind(port: Int, reuse: Bool) throws(POSIXError) -> (Int32, Int) {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        if reuse {
            var one: Int32 = 1
            setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                Foundation.bind(socket, raw, length) == 0 && getsockname(socket, raw, &length) == 0
            }
        }
        guard bound else {
            let code = POSIXErrorCode(rawValue: errno) ?? .EADDRINUSE
            close(socket)
            throw POSIXError(code)
        }
        if reuse {
            // Off again once bound: a socket that keeps SO_REUSEADDR while bound and not listening lets any
            // other socket with it (every NIO server) bind the same port, even one asking for port 0.
            var off: Int32 = 0
            setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &off, socklen_t(MemoryLayout<Int32>.size))
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }
}
