import MetricsWire

/// What the control API can make the engine do beyond recording calls.
public struct ControlActions: Sendable {
    /// Starts a test upload of `files` generated files of `sizeBytes` each; returns a short description of
    /// what was started. `nil` when the engine has no uploader.
    public var startTestUpload: (@Sendable (_ files: Int, _ sizeBytes: Int) async throws -> TestUploadReceipt)?
    /// Extra work on `POST /v1/reset` after the collector is reset (e.g. clearing caches).
    public var reset: (@Sendable () async -> Void)?
    /// The messages after a number, at most a count, for `GET /v1/messages`. `nil` when the engine relays
    /// none (only a proxy does).
    public var messages: (@Sendable (_ after: Int, _ limit: Int) -> MessagesPage)?
    /// The server's tool surface as a tools baseline document, for `GET /v1/tools`: `nil` when the engine
    /// relays no server (only a proxy does); the closure answers nil before the server listed its tools.
    public var tools: (@Sendable () -> String?)?

    /// Creates control actions.
    public init(
        startTestUpload: (@Sendable (_ files: Int, _ sizeBytes: Int) async throws -> TestUploadReceipt)? = nil,
        reset: (@Sendable () async -> Void)? = nil,
        messages: (@Sendable (_ after: Int, _ limit: Int) -> MessagesPage)? = nil,
        tools: (@Sendable () -> String?)? = nil
    ) {
        self.startTestUpload = startTestUpload
        self.reset = reset
        self.messages = messages
        self.tools = tools
    }
}
