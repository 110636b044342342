import MetricsWire

/// What happened to one file of a batch; results come back in input order.
public struct UploadResult: Codable, Sendable, Equatable {
    /// The file's position in the batch (0-based).
    public var index: Int
    /// The path as given.
    public var path: String
    /// The file's final state.
    public var state: UploadState
    /// The provider's file id, when the file is there.
    public var fileID: String?
    /// The SHA-256 of the file's bytes, when it was hashed.
    public var sha256: String?
    /// The file's size in bytes, when known.
    public var bytes: Int?
    /// Why the file was skipped or failed, or a note (e.g. a duplicate in the batch).
    public var reason: String?
    /// Wall time spent on this file, in seconds.
    public var seconds: Double
    /// The length of the extracted content, when it was fetched.
    public var contentCharacters: Int?

    /// Creates a result.
    public init(
        index: Int,
        path: String,
        state: UploadState,
        fileID: String? = nil,
        sha256: String? = nil,
        bytes: Int? = nil,
        reason: String? = nil,
        seconds: Double = 0,
        contentCharacters: Int? = nil
    ) {
        self.index = index
        self.path = path
        self.state = state
        self.fileID = fileID
        self.sha256 = sha256
        self.bytes = bytes
        self.reason = reason
        self.seconds = seconds
        self.contentCharacters = contentCharacters
    }

    enum CodingKeys: String, CodingKey {
        case index, path, state
        case fileID = "file_id"
        case sha256, bytes, reason, seconds
        case contentCharacters = "content_characters"
    }
}
