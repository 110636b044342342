import Engine
import Foundation
import MetricsClient
import MetricsWire
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Upload progress follows what the provider has read, not what the client handed to its socket.
@Suite("Upload progress")
struct UploadProgressTests {
    /// A provider on a blocking socket with a small receive buffer that reads `step` bytes every 5 ms and
    /// answers a file object once the body is in. At each read it records how far the client's progress
    /// (`reported`) was ahead of what it had read.
    final class SlowProvider: Sendable {
        let port: Int
        let read = Guarded(0)
        let worstLead = Guarded(0)
        let reported = Guarded(0)
        private let listener: Int32

        init(step: Int) throws {
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.listener = listener
            var size: Int32 = 16 * 1024
            setsockopt(listener, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
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
            guard bound else { throw CocoaError(.fileWriteUnknown) }
            port = Int(UInt16(bigEndian: address.sin_port))
            Thread.detachNewThread { [self] in
                defer { close(listener) }
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                defer { close(connection) }
                var buffer = [UInt8](repeating: 0, count: step)
                var head: [UInt8] = []
                var bodyLength = -1
                var bodyRead = 0
                while bodyLength < 0 || bodyRead < bodyLength {
                    let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                    guard count > 0 else { return }
                    if bodyLength < 0 {
                        head += buffer[..<count]
                        let text = String(decoding: head, as: UTF8.self)
                        guard let end = text.range(of: "\r\n\r\n") else { continue }
                        let lines = text[..<end.lowerBound].lowercased().split(separator: "\r\n")
                        bodyLength =
                            lines.first { $0.hasPrefix("content-length:") }
                            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
                            ?? 0
                        bodyRead = head.count - text.utf8.distance(from: text.startIndex, to: end.upperBound)
                    } else {
                        bodyRead += count
                    }
                    let soFar = bodyRead
                    read.withLock { $0 = soFar }
                    let lead = reported.withLock { $0 } - soFar
                    worstLead.withLock { $0 = max($0, lead) }
                    Thread.sleep(forTimeInterval: 0.005)
                }
                let answer =
                    #"{"id":"file-slow","object":"file","bytes":1,"filename":"f","purpose":"file-extract","status":"ok","created_at":1}"#
                let response =
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(answer.utf8.count)\r\nConnection: close\r\n\r\n\(answer)"
                _ = response.withCString { send(connection, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            }
        }
    }

    @Test("a 4 MiB upload to a provider reading 16 KiB every 5 ms: progress stays within 512 KiB of its reads")
    func followsTheProvider() async throws {
        let provider = try SlowProvider(step: 16 * 1024)
        let directory = NSTemporaryDirectory() + "progress-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/big.bin"
        let size = 4 << 20
        try Data(repeating: 0x61, count: size).write(to: URL(fileURLWithPath: path))
        let client = try FilesAPIClient(baseURL: "http://127.0.0.1:\(provider.port)/v1", apiKey: nil)
        let file = try await client.upload(path: path, size: size, filename: "big.bin", timeout: .seconds(60)) {
            bytes in provider.reported.withLock { $0 += bytes }
        }
        #expect(file.id == "file-slow")
        #expect(provider.reported.withLock { $0 } == size)
        let lead = provider.worstLead.withLock { $0 }
        #expect(lead <= 512 * 1024, "progress ran \(lead) bytes ahead of what the provider had read")
    }
}
