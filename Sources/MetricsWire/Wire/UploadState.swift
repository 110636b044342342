/// Where a file is in the uploader, as the engine tracks it and `upload_metrics` carries it.
///
/// A state this build does not know (from a newer engine) decodes as ``other(_:)`` with its name kept, so
/// an old dashboard still shows it instead of refusing the document.
public enum UploadState: WireName {
    /// Waiting for a slot.
    case queued
    /// Its SHA-256 is being computed.
    case hashing
    /// Its bytes are being sent.
    case uploading
    /// Uploaded; its content is being fetched.
    case processing
    /// Uploaded (and its content fetched).
    case done
    /// Already at the provider (file-ID cache): not sent again.
    case cached
    /// Not uploaded, by rule (too large with skip, empty, over the count cap).
    case skipped
    /// Not uploaded because something went wrong; see the reason.
    case failed
    /// A state this build does not know, by its wire name.
    case other(String)

    /// Every state this build knows, in the order a file goes through them.
    public static let known: [UploadState] = [
        .queued, .hashing, .uploading, .processing, .done, .cached, .skipped, .failed,
    ]

    /// The wire name: `queued`, `hashing`, … `failed`, or the unknown name as received.
    public var rawValue: String {
        switch self {
        case .queued: return "queued"
        case .hashing: return "hashing"
        case .uploading: return "uploading"
        case .processing: return "processing"
        case .done: return "done"
        case .cached: return "cached"
        case .skipped: return "skipped"
        case .failed: return "failed"
        case .other(let name): return name
        }
    }

    /// Whether the file has reached its final state. An unknown state is taken as still in progress.
    public var isFinal: Bool {
        switch self {
        case .done, .cached, .skipped, .failed: return true
        case .queued, .hashing, .uploading, .processing, .other: return false
        }
    }

    /// Whether the file holds one of the uploader's parallel slots (hashing, uploading or processing).
    public var isInFlight: Bool {
        switch self {
        case .hashing, .uploading, .processing: return true
        default: return false
        }
    }

    /// Whether the file is at the provider.
    public var isSuccess: Bool { self == .done || self == .cached }
}
