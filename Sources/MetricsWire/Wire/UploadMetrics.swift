/// The uploader's live state.
public struct UploadMetrics: Codable, Sendable, Equatable {
    /// The most files in flight at once.
    public var maxParallel: Int
    /// Files being hashed, uploaded or processed now.
    public var inFlight: Int
    /// Files waiting for a slot.
    public var queued: Int
    /// Files uploaded and confirmed.
    public var completed: Int
    /// Files that ended in failure.
    public var failed: Int
    /// Files answered from the file-ID cache without an upload.
    public var cached: Int
    /// Bytes written to the provider so far.
    public var bytesSent: Int
    /// The most recent files, newest last.
    public var recent: [UploadRecord]

    /// Creates an uploader state.
    public init(
        maxParallel: Int,
        inFlight: Int = 0,
        queued: Int = 0,
        completed: Int = 0,
        failed: Int = 0,
        cached: Int = 0,
        bytesSent: Int = 0,
        recent: [UploadRecord] = []
    ) {
        self.maxParallel = maxParallel
        self.inFlight = inFlight
        self.queued = queued
        self.completed = completed
        self.failed = failed
        self.cached = cached
        self.bytesSent = bytesSent
        self.recent = recent
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxParallel = "max_parallel"
        case inFlight = "in_flight"
        case queued, completed, failed, cached
        case bytesSent = "bytes_sent"
        case recent
    }
}

/// One file's progress through the uploader.
public struct UploadRecord: Codable, Sendable, Equatable {
    /// A stable identifier of this upload.
    public var id: String
    /// The file's name (not its full path).
    public var file: String
    /// Where the file is in the uploader.
    public var state: UploadState
    /// The file's size in bytes.
    public var bytesTotal: Int
    /// Bytes written to the provider so far.
    public var bytesSent: Int
    /// The provider's id once known.
    public var fileID: String?
    /// Why the file was skipped or failed.
    public var error: String?
    /// When work on the file began, in seconds since 1970.
    public var startedAt: Double?
    /// When the file reached its final state, in seconds since 1970.
    public var finishedAt: Double?

    /// Creates an upload record.
    public init(
        id: String,
        file: String,
        state: UploadState,
        bytesTotal: Int,
        bytesSent: Int,
        fileID: String? = nil,
        error: String? = nil,
        startedAt: Double? = nil,
        finishedAt: Double? = nil
    ) {
        self.id = id
        self.file = file
        self.state = state
        self.bytesTotal = bytesTotal
        self.bytesSent = bytesSent
        self.fileID = fileID
        self.error = error
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, file, state
        case bytesTotal = "bytes_total"
        case bytesSent = "bytes_sent"
        case fileID = "file_id"
        case error
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}

extension UploadMetrics: WireObject {
    static let wire = WireSchema<Self>([
        .count(CodingKeys.maxParallel, \.maxParallel),
        .count(CodingKeys.inFlight, \.inFlight),
        .count(CodingKeys.queued, \.queued),
        .count(CodingKeys.completed, \.completed),
        .count(CodingKeys.failed, \.failed),
        .count(CodingKeys.cached, \.cached),
        .count(CodingKeys.bytesSent, \.bytesSent),
        .objects(CodingKeys.recent, \.recent),
    ])
}

extension UploadRecord: WireObject {
    static let wire = WireSchema<Self>([
        .string(CodingKeys.id, \.id),
        .string(CodingKeys.file, \.file),
        .name(CodingKeys.state, \.state),
        .count(CodingKeys.bytesTotal, \.bytesTotal),
        .count(CodingKeys.bytesSent, \.bytesSent),
        .optionalString(CodingKeys.fileID, \.fileID),
        .optionalString(CodingKeys.error, \.error),
        .optionalNumber(CodingKeys.startedAt, \.startedAt, range: 0...Plausibility.maxTimestamp),
        .optionalNumber(CodingKeys.finishedAt, \.finishedAt, range: 0...Plausibility.maxTimestamp),
    ])
}
