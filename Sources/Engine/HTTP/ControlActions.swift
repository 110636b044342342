import MetricsWire

/// What the control API can make the engine do beyond recording calls.
public struct ControlActions: Sendable {
    /// Starts a test upload of `files` generated files of `sizeBytes` each; returns a short description of
    /// what was started. `nil` when the engine has no uploader.
    public var startTestUpload: (@Sendable (_ files: Int, _ sizeBytes: Int) async throws -> TestUploadReceipt)?
    /// Extra work on `POST /v1/reset` after the collector is reset (e.g. clearing caches).
    public var reset: (@Sendable () async -> Void)?

    /// Creates control actions.
    public init(
        startTestUpload: (@Sendable (_ files: Int, _ sizeBytes: Int) async throws -> TestUploadReceipt)? = nil,
        reset: (@Sendable () async -> Void)? = nil
    ) {
        self.startTestUpload = startTestUpload
        self.reset = reset
    }
}
