import Engine
import Foundation
import NIOCore
import Testing

@testable import Engine

#if canImport(Glibc)
import Glibc
#endif

/// A provider that resets the connection (RST, not a clean close) while an upload is still being sent.
/// Here AsyncHTTPClient reports the reset as a closed connection; when it comes as a read or write error
/// instead (ECONNRESET, EPIPE, or a write to the channel the reset closed: it depends on where the client
/// is when the RST arrives, and was seen in loaded runs) the client names it the same way.
@Suite("Files API client: a reset connection")
struct FilesAPIResetTests {
    /// Accepts one connection on a thread of its own, reads the first bytes of the request and resets it.
    static func resettingListener() throws -> Int {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 4) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        guard listener >= 0, bound else { throw CocoaError(.fileWriteUnknown) }
        Thread.detachNewThread {
            defer { close(listener) }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            var received = 0
            while received < 1 << 20 {
                let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { break }
                received += count
            }
            // Linger 0: close sends RST, so the client sees ECONNRESET (or EPIPE), not an end of stream.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(connection)
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("an upload whose connection is reset mid-body fails naming the dropped connection and the file")
    func resetMidUpload() async throws {
        let port = try Self.resettingListener()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("big.txt").path
        try Data(repeating: UInt8(ascii: "x"), count: 8 << 20).write(to: URL(fileURLWithPath: path))
        let client = try FilesAPIClient(baseURL: "http://127.0.0.1:\(port)/v1", apiKey: nil)
        do {
            _ = try await client.upload(path: path, size: 8 << 20, filename: "big.txt", timeout: .seconds(20))
            Issue.record("the upload succeeded against a listener that resets it")
        } catch {
            #expect(
                error.description.contains(
                    "upload of big.txt failed: 127.0.0.1 closed the connection before answering"
                ),
                "\(error)"
            )
            #expect(!error.description.contains("cannot talk to"), "\(error)")
        }
    }

    /// Where the client is when the RST lands decides which error arrives; each of those is a drop, and
    /// nothing else is taken for one.
    @Test("each way a reset shows while sending is a dropped connection; other failures are not")
    func resetErrors() {
        #expect(FilesAPIClient.isResetWhileSending(IOError(errnoCode: ECONNRESET, reason: "read")))
        #expect(FilesAPIClient.isResetWhileSending(IOError(errnoCode: EPIPE, reason: "write")))
        #expect(FilesAPIClient.isResetWhileSending(ChannelError.ioOnClosedChannel))
        #expect(FilesAPIClient.isResetWhileSending(ChannelError.eof))
        #expect(!FilesAPIClient.isResetWhileSending(IOError(errnoCode: ECONNREFUSED, reason: "connect")))
        #expect(!FilesAPIClient.isResetWhileSending(ChannelError.connectTimeout(.seconds(1))))
        #expect(!FilesAPIClient.isResetWhileSending(CancellationError()))
    }
}
