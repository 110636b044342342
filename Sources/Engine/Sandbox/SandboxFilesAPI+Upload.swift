import Crypto
import Foundation
import Hummingbird
import MultipartKit
import NIOCore

extension SandboxFilesAPI {
    /// Receives a multipart upload, streaming the `file` part to disk as it arrives.
    func upload(_ request: Request, context: SandboxContext) async throws -> Response {
        store.uploadBegan()
        var stored: SandboxFile?
        defer { store.uploadEnded(stored: stored) }
        var dropAfter: Int?
        if let fault = store.nextFault(for: .upload) {
            if case .dropConnection(let bytes) = fault {
                dropAfter = bytes
            } else if let response = try await apply(fault, context: context) {
                return response
            }
        }
        guard store.admitUpload(limit: configuration.rateLimit) else {
            var response = Self.error(
                .tooManyRequests,
                "rate_limit_reached_error",
                "too many uploads per second; retry later"
            )
            response.headers[.retryAfter] = "1"
            return response
        }
        if configuration.errorRate > 0, Double.random(in: 0..<1) < configuration.errorRate {
            return Self.error(
                .internalServerError,
                "server_error",
                "the sandbox failed this upload on purpose (error rate)"
            )
        }
        if dropAfter == nil, configuration.dropRate > 0, Double.random(in: 0..<1) < configuration.dropRate {
            // Somewhere in the body, or at once for a small one.
            dropAfter = Int.random(in: 1...max(1, (request.headers[.contentLength].flatMap { Int($0) } ?? 2) / 2))
        }
        guard let boundary = Self.boundary(request.headers[.contentType]) else {
            return Self.error(
                .badRequest,
                "invalid_request_error",
                "expected a multipart/form-data body with a boundary"
            )
        }
        let receiver = MultipartReceiver(boundary: boundary, directory: store.directory)
        defer { receiver.discard() }
        var received = 0
        let started = ContinuousClock.now
        for try await chunk in request.body {
            received += chunk.readableBytes
            if store.isClosing || (dropAfter.map { received >= $0 } ?? false) {
                try await context.channel.close()
                throw CancellationError()
            }
            if let bandwidth = configuration.bandwidth, bandwidth > 0 {
                let due = started + .milliseconds(Int64(Double(received) / Double(bandwidth) * 1000))
                if due > ContinuousClock.now { try await Task.sleep(until: due) }
            }
            guard received <= Self.maxFileBytes + 1_048_576 else {
                return Self.error(.contentTooLarge, "invalid_request_error", "file is larger than the sandbox accepts")
            }
            do {
                try await parsing.runIfActive { try receiver.feed(chunk) }
            } catch is CancellationError {
                throw CancellationError()
            } catch let failure as MultipartReceiver.StoreFailure {
                return Self.error(
                    .internalServerError,
                    "server_error",
                    "the sandbox could not store the file: \(failure.reason)"
                )
            } catch {
                return Self.error(.badRequest, "invalid_request_error", "malformed multipart body: \(error)")
            }
        }
        guard let file = receiver.finish() else {
            return Self.error(.badRequest, "invalid_request_error", "the multipart body has no complete \"file\" part")
        }
        try await Task.sleep(for: configuration.latency)
        let id = "file-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased()
        let path = store.directory + "/" + id
        try FileManager.default.moveItem(atPath: file.temporaryPath, toPath: path)
        stored = SandboxFile(
            id: id,
            filename: file.filename,
            purpose: file.purpose ?? "file-extract",
            bytes: file.bytes,
            sha256: file.sha256,
            path: path,
            createdAt: Int(Date().timeIntervalSince1970)
        )
        return Response.json(Self.object(stored!))
    }

    /// The `boundary` parameter of a `multipart/form-data` content type.
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

/// Feeds a multipart body through multipart-kit's streaming parser, writing the `file` part to a temp file.
// @unchecked: one request feeds it, one chunk at a time, each feed awaited before the next.
final class MultipartReceiver: @unchecked Sendable {
    struct Received {
        var temporaryPath: String
        var filename: String
        var purpose: String?
        var bytes: Int
        var sha256: String
    }

    private let parser: MultipartParser
    private var headers: [String: String] = [:]
    private var partName: String?
    private var filename: String?
    private var purpose = ""
    private var sawPurpose = false
    private var output: FileHandle?
    private var hasher = SHA256()
    private var bytes = 0
    private var complete = false
    private let temporaryPath: String

    init(boundary: String, directory: String) {
        parser = MultipartParser(boundary: boundary)
        temporaryPath = directory + "/incoming-" + UUID().uuidString
        parser.onHeader = { [unowned self] name, value in headers[name.lowercased()] = value }
        parser.onBody = { [unowned self] buffer in body(&buffer) }
        parser.onPartComplete = { [unowned self] in partComplete() }
    }

    /// The file part could not be written to disk (a full disk, say): the upload fails, never half-stored.
    struct StoreFailure: Error {
        let reason: String
    }

    private var writeError: StoreFailure?

    func feed(_ buffer: ByteBuffer) throws {
        try parser.execute(buffer)
        if let writeError { throw writeError }
    }

    private func body(_ buffer: inout ByteBuffer) {
        if partName == nil { startPart() }
        if partName == "file" {
            if output == nil {
                _ = FileManager.default.createFile(atPath: temporaryPath, contents: nil)
                output = FileHandle(forWritingAtPath: temporaryPath)
            }
            buffer.withUnsafeReadableBytes { raw in
                hasher.update(bufferPointer: raw)
                do {
                    try output?.write(contentsOf: raw)
                } catch {
                    writeError = writeError ?? StoreFailure(reason: "\(error)")
                }
            }
            bytes += buffer.readableBytes
        } else if partName == "purpose" {
            purpose += buffer.readString(length: buffer.readableBytes) ?? ""
            sawPurpose = true
        }
    }

    private func startPart() {
        let disposition = headers["content-disposition"] ?? ""
        partName = Self.parameter("name", in: disposition)
        if partName == "file" { filename = Self.parameter("filename", in: disposition) ?? "upload" }
    }

    private func partComplete() {
        if partName == nil { startPart() }
        if partName == "file" {
            try? output?.close()
            output = nil
            if filename != nil, bytes >= 0 { complete = true }
            if bytes == 0, !FileManager.default.fileExists(atPath: temporaryPath) {
                _ = FileManager.default.createFile(atPath: temporaryPath, contents: nil)
            }
        }
        headers = [:]
        partName = nil
    }

    /// The received file, if a complete `file` part arrived.
    func finish() -> Received? {
        guard complete, let filename else { return nil }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let result = Received(
            temporaryPath: temporaryPath,
            filename: filename,
            purpose: sawPurpose ? purpose : nil,
            bytes: bytes,
            sha256: digest
        )
        complete = false
        return result
    }

    /// Removes a partial file left by a failed upload.
    func discard() {
        try? output?.close()
        output = nil
        if FileManager.default.fileExists(atPath: temporaryPath) {
            try? FileManager.default.removeItem(atPath: temporaryPath)
        }
    }

    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}
