import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A client connection to `127.0.0.1` on a blocking socket, for clients no HTTP library would be: slow,
/// partial, many at once, or in steps (send, read until a text arrived, send more). Its calls block: make
/// them off the concurrency pool (`offThePool`). Reads and sends time out after 20 s.
public final class RawConnection {
    private let socket: Int32
    /// Everything read so far.
    public private(set) var received: [UInt8] = []

    /// A failed socket call, or a connection that ended before what was awaited.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed.
        public let description: String
    }

    /// Connects to `127.0.0.1:port`.
    public init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(socket)
            throw Failure(description: "connect to port \(port): \(code)")
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends `text` whole.
    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    /// Sends `bytes` whole.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(description: "send: \(errno) after \(offset) bytes") }
            offset += sent
        }
    }

    /// Reads once, whatever arrives; nil when the other side closed. Each read is stamped the moment it
    /// returns, so arrival times do not depend on when a task gets to run.
    public func readSome() throws -> (ContinuousClock.Instant, [UInt8])? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        let instant = ContinuousClock.now
        guard count >= 0 else { throw Failure(description: "recv: \(errno) after \(text)") }
        guard count > 0 else { return nil }
        received += buffer[..<count]
        return (instant, Array(buffer[..<count]))
    }

    /// Reads until `marker` was received `times` times in all; returns the text received so far.
    @discardableResult
    public func read(until marker: String, times: Int = 1) throws -> String {
        while text.components(separatedBy: marker).count <= times {
            guard try readSome() != nil else {
                throw Failure(description: "closed before \(marker.debugDescription): \(text)")
            }
        }
        return text
    }

    /// Reads until the other side closes; returns the text received.
    public func readUntilClosed() throws -> String {
        while try readSome() != nil {}
        return text
    }

    /// What was received, as text.
    public var text: String { String(decoding: received, as: UTF8.self) }

    deinit { close(socket) }
}
