import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// A `multipart/form-data` body with a `purpose` field and one file, streamed from disk.
///
/// Its length is known before the first byte is sent (preamble + file size + epilogue), and the file is
/// read in chunks as the body is written, so a 1 GiB file never sits in memory.
struct MultipartFileBody: Sendable {
    let path: String
    let fileSize: Int
    let boundary: String
    let preamble: [UInt8]
    let epilogue: [UInt8]
    static let chunkSize = 64 * 1024

    init(path: String, fileSize: Int, filename: String, purpose: String) {
        self.path = path
        self.fileSize = fileSize
        self.boundary = "----dashboard-" + UUID().uuidString
        let safeName = filename.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "")
            .replacingOccurrences(of: "\n", with: "")
        let head =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n\(purpose)\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(safeName)\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n"
        self.preamble = Array(head.utf8)
        self.epilogue = Array("\r\n--\(boundary)--\r\n".utf8)
    }

    /// The `Content-Type` header value.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The exact number of bytes the body has.
    var length: Int { preamble.count + fileSize + epilogue.count }

    /// Where the file's bytes are in the body.
    var fileRange: Range<Int> { preamble.count..<(preamble.count + fileSize) }

    /// The body's chunks in order: the preamble, the file 64 KiB at a time, the epilogue.
    func chunks() -> Chunks {
        Chunks(body: self)
    }

    /// Reads the body one chunk at a time; throws ``FileChangedError`` if the file got shorter.
    struct Chunks {
        private enum Stage {
            case preamble, file, epilogue, finished
        }

        private let body: MultipartFileBody
        private var stage = Stage.preamble
        private var reader: FileReader?
        private var fileBytesRead = 0

        init(body: MultipartFileBody) {
            self.body = body
        }

        /// The next chunk, or nil after the last.
        mutating func next() throws -> ByteBuffer? {
            switch stage {
            case .preamble:
                stage = body.fileSize > 0 ? .file : .epilogue
                return ByteBuffer(bytes: body.preamble)
            case .file:
                return try readChunk()
            case .epilogue:
                stage = .finished
                reader = nil
                return ByteBuffer(bytes: body.epilogue)
            case .finished:
                return nil
            }
        }

        private mutating func readChunk() throws -> ByteBuffer {
            if reader == nil { reader = try FileReader(path: body.path) }
            let wanted = Swift.min(MultipartFileBody.chunkSize, body.fileSize - fileBytesRead)
            guard let chunk = try reader?.read(upTo: wanted), chunk.readableBytes > 0 else {
                reader = nil
                throw FileChangedError(path: body.path, expected: body.fileSize, found: fileBytesRead)
            }
            fileBytesRead += chunk.readableBytes
            if fileBytesRead == body.fileSize { stage = .epilogue }
            return chunk
        }
    }
}

/// An open file read in chunks; closed when released, also if the upload is cancelled midway.
final class FileReader {
    private let descriptor: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw FilesAPIError(.invalidRequest, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Up to `count` bytes; an empty buffer at end of file. A failed read throws, naming the error.
    func read(upTo count: Int) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(count)
        var failure: Int32 = 0
        _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            while true {
                let got = Glibc.read(descriptor, raw.baseAddress, count)
                if got >= 0 { return got }
                if errno == EINTR { continue }
                failure = errno
                return 0
            }
        }
        guard failure == 0 else {
            throw FilesAPIError(.invalidRequest, "cannot read \(path): \(String(cString: strerror(failure)))")
        }
        return buffer
    }

    deinit {
        close(descriptor)
    }
}

/// The file got shorter while it was being sent.
struct FileChangedError: Error, CustomStringConvertible {
    let path: String
    let expected: Int
    let found: Int

    var description: String {
        "\(path) changed while uploading (expected \(expected) bytes, could read \(found)); upload it again"
    }
}
