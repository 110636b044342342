/// The answer to a started test upload, `202 {"batch","files","size_bytes"}`: what the engine sends and a
/// client reads (every field optional, since another server may send less).
public struct TestUploadReceipt: Sendable, Equatable, Codable {
    /// The batch's id, when the server sent one.
    public var batch: String?
    /// How many files were queued.
    public var files: Int?
    /// The size of each file in bytes.
    public var sizeBytes: Int?

    /// Creates a receipt.
    public init(batch: String? = nil, files: Int? = nil, sizeBytes: Int? = nil) {
        self.batch = batch
        self.files = files
        self.sizeBytes = sizeBytes
    }

    enum CodingKeys: String, CodingKey {
        case batch, files
        case sizeBytes = "size_bytes"
    }
}
