/// What the control API can make the engine do beyond recording calls.
public struct ControlActions: Sendable {
    /// Starts a test upload of `files` generated files of `sizeBytes` each; returns a short description of
    /// what was started. `nil` when the engine has no uploader.
    public var startTestUpload: (@Sendable (_ files: Int, _ sizeBytes: Int) async throws -> TestUploadStarted)?
    /// Extra work on `POST /v1/reset` after the collector is reset (e.g. clearing caches).
    public var reset: (@Sendable () async -> Void)?

    /// Creates control actions.
    public init(
        startTestUpload: (@Sendable (_ files: Int, _ sizeBytes: Int) async throws -> TestUploadStarted)? = nil,
        reset: (@Sendable () async -> Void)? = nil
    ) {
        self.startTestUpload = startTestUpload
        self.reset = reset
    }
}

/// The answer to `POST /v1/uploads/test`.
public struct TestUploadStarted: Codable, Sendable, Equatable {
    /// An id for the batch.
    public var batch: String
    /// How many files were generated and queued.
    public var files: Int
    /// The size of each file.
    public var sizeBytes: Int

    /// Creates the answer.
    public init(batch: String, files: Int, sizeBytes: Int) {
        self.batch = batch
        self.files = files
        self.sizeBytes = sizeBytes
    }

    enum CodingKeys: String, CodingKey {
        case batch, files
        case sizeBytes = "size_bytes"
    }
}
