import Foundation
import Hummingbird
import NIOCore
import NIOPosix

/// An in-process Files API on a loopback port, implementing the endpoints the uploader uses for real.
///
/// `POST /v1/files` parses the multipart body as it arrives (multipart-kit) and streams the file to disk;
/// `GET /v1/files/{id}/content` answers Moonshot's JSON shape (text for text files); `GET /v1/files` and
/// `DELETE /v1/files/{id}` work too. Latency, bandwidth, error rate and rate limiting are configurable,
/// and scripted faults (a status, a dropped connection, no answer) can be queued for the next requests.
struct SandboxFilesAPI: HTTPResponder {
    /// The request context.
    typealias Context = SandboxContext

    let configuration: SandboxConfiguration
    let store: SandboxStore
    /// Where upload bodies are parsed and written: one thread of its own, so that parsing (byte by byte
    /// in multipart-kit, slow in a debug build) never takes the threads the endpoint and the screen run on,
    /// and all uploads together use at most one core.
    let parsing: NIOThreadPool
    /// Largest file accepted.
    static let maxFileBytes = 4 << 30

    init(configuration: SandboxConfiguration, store: SandboxStore, parsing: NIOThreadPool) {
        self.configuration = configuration
        self.store = store
        self.parsing = parsing
    }

    func respond(to request: Request, context: SandboxContext) async throws -> Response {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 2, parts[0] == "v1", parts[1] == "files" else {
            return Self.error(.notFound, "not_found", "no such endpoint: \(request.uri.path)")
        }
        if request.method == .post, parts.count == 2 {
            // An upload counts as in flight from its first byte; its latency is spent after the body arrived.
            return try await upload(request, context: context)
        }
        try await Task.sleep(for: configuration.latency)
        switch (request.method, parts.count) {
        case (.get, 2):
            let list = FileList(object: "list", data: store.files.map(Self.object))
            return Response.json(list)
        case (.get, 3):
            guard let file = store.file(parts[2]) else { return Self.missing(parts[2]) }
            return Response.json(Self.object(file))
        case (.get, 4) where parts[3] == "content":
            return try await content(parts[2], context: context)
        case (.delete, 3):
            guard let file = store.remove(parts[2]) else { return Self.missing(parts[2]) }
            try? FileManager.default.removeItem(atPath: file.path)
            return Response.json(FileDeletion(id: file.id, deleted: true))
        default:
            return Self.error(
                .methodNotAllowed,
                "method_not_allowed",
                "\(request.method) is not allowed on \(request.uri.path)"
            )
        }
    }

    private func content(_ id: String, context: SandboxContext) async throws -> Response {
        store.contentRequested()
        if let fault = store.nextFault(for: .content), let response = try await apply(fault, context: context) {
            return response
        }
        guard let file = store.file(id) else { return Self.missing(id) }
        // Text files give their text (up to 1 MiB, as an extraction would); binary ones (a NUL early on) none.
        let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: file.path)).read(upToCount: 1 << 20)) ?? Data()
        let binary = head.prefix(8192).contains(0)
        let text = binary ? nil : String(validating: head, as: UTF8.self)
        return Response.json(
            FileContent(
                content: text ?? "",
                fileType: text == nil ? "application/octet-stream" : "text/plain",
                filename: file.filename,
                title: "",
                type: "file"
            )
        )
    }

    /// Runs a scripted fault; returns the response to send, or `nil` to go on normally.
    func apply(_ fault: SandboxFault, context: SandboxContext) async throws -> Response? {
        switch fault {
        case .status(let status, let retryAfter):
            var response = Self.error(
                HTTPResponse.Status(code: status),
                status == 429 ? "rate_limit_reached_error" : "server_error",
                status == 429 ? "Your account is rate limited; retry later" : "injected failure \(status)"
            )
            if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
            return response
        case .raw(let status, let contentType, let body):
            var headers = HTTPFields()
            headers[.contentType] = contentType
            return Response(
                status: HTTPResponse.Status(code: status),
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: body))
            )
        case .hang:
            // Never answers, until the sandbox shuts down.
            while !store.isClosing { try await Task.sleep(for: .milliseconds(50)) }
            try await context.channel.close()
            throw CancellationError()
        case .dropConnection:
            try await context.channel.close()
            throw CancellationError()
        }
    }

    static func object(_ file: SandboxFile) -> FileObject {
        FileObject(
            id: file.id,
            bytes: file.bytes,
            createdAt: file.createdAt,
            filename: file.filename,
            purpose: file.purpose,
            status: "ok"
        )
    }

    static func missing(_ id: String) -> Response {
        error(.notFound, "resource_not_found_error", "file \(id) not found")
    }

    static func error(_ status: HTTPResponse.Status, _ type: String, _ message: String) -> Response {
        Response.jsonError(status, type: type, message: message)
    }
}
