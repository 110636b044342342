/// A file as the Files API describes it (`POST /files`, `GET /files`).
public struct FileObject: Codable, Sendable, Equatable {
    /// The provider's id of the file.
    public var id: String
    /// Always `file`.
    public var object: String?
    /// Size in bytes.
    public var bytes: Int?
    /// Upload time, seconds since 1970.
    public var createdAt: Int?
    /// The name given at upload.
    public var filename: String?
    /// The purpose given at upload, e.g. `file-extract`.
    public var purpose: String?
    /// Processing status, e.g. `ok` or `processed`.
    public var status: String?

    /// Creates a file description.
    public init(
        id: String,
        object: String? = "file",
        bytes: Int? = nil,
        createdAt: Int? = nil,
        filename: String? = nil,
        purpose: String? = nil,
        status: String? = nil
    ) {
        self.id = id
        self.object = object
        self.bytes = bytes
        self.createdAt = createdAt
        self.filename = filename
        self.purpose = purpose
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case id, object, bytes
        case createdAt = "created_at"
        case filename, purpose, status
    }
}

/// A file's extracted content (`GET /files/{id}/content`).
public struct FileContent: Codable, Sendable, Equatable {
    /// The extracted text.
    public var content: String
    /// The provider's idea of the file type, e.g. `text/plain`.
    public var fileType: String?
    /// The file's name.
    public var filename: String?
    /// A title, if the provider found one.
    public var title: String?
    /// The content type, e.g. `file`.
    public var type: String?

    /// Creates a content description.
    public init(
        content: String,
        fileType: String? = nil,
        filename: String? = nil,
        title: String? = nil,
        type: String? = nil
    ) {
        self.content = content
        self.fileType = fileType
        self.filename = filename
        self.title = title
        self.type = type
    }

    enum CodingKeys: String, CodingKey {
        case content
        case fileType = "file_type"
        case filename, title, type
    }
}

/// The body of `GET /files`.
struct FileList: Codable, Sendable {
    var object: String?
    var data: [FileObject]
}

/// The body of `DELETE /files/{id}`.
struct FileDeletion: Codable, Sendable {
    var id: String
    var deleted: Bool
}

/// The error body the Files API sends: `{"error":{"type","message"}}`.
struct ProviderErrorBody: Codable, Sendable {
    struct Detail: Codable, Sendable {
        var type: String?
        var message: String?
    }
    var error: Detail
}
