import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Collects the answer to an upload, and reports the file's bytes as the connection hands them to the socket.
///
/// AsyncHTTPClient calls `didSendRequestPart` once a part of the body is written to the socket. The Files API
/// client's sockets hold at most 16 KiB unsent (``HTTPClient/filesAPI``), so a part is counted once the bytes
/// before it are on their way: the progress follows what the provider has received, at most one TCP window
/// ahead, where counting the parts as the client took them let a whole file sit in memory at "100 %".
// @unchecked: AsyncHTTPClient calls a delegate on the request's event loop only, one call at a time.
final class UploadDelegate: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = (head: HTTPResponseHead, body: ByteBuffer)

    /// The answer is over `maxBytes`.
    struct TooLarge: Error {}

    private let fileRange: Range<Int>
    private let maxBytes: Int
    private let progress: @Sendable (Int) -> Void
    private var written = 0
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()

    /// Reports, through `progress`, the bytes of `fileRange` (where the file is in the body) as they are
    /// written; keeps at most `maxBytes` of the answer.
    init(fileRange: Range<Int>, maxBytes: Int, progress: @escaping @Sendable (Int) -> Void) {
        self.fileRange = fileRange
        self.maxBytes = maxBytes
        self.progress = progress
    }

    func didSendRequestPart(task: HTTPClient.Task<Response>, _ part: IOData) {
        let start = written
        written += part.readableBytes
        let fileBytes = min(written, fileRange.upperBound) - max(start, fileRange.lowerBound)
        if fileBytes > 0 { progress(fileBytes) }
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        self.head = head
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard body.readableBytes + buffer.readableBytes <= maxBytes else {
            return task.eventLoop.makeFailedFuture(TooLarge())
        }
        var buffer = buffer
        body.writeBuffer(&buffer)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        guard let head else { throw HTTPClientError.remoteConnectionClosed }
        return (head, body)
    }
}
