/// Why the file-ID cache could not do what was asked; ``description`` says what failed, where, and what to do.
public struct FileIDCacheError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: Sendable, Equatable {
        /// The directory for the database could not be created.
        case cannotCreateDirectory
        /// The database file could not be opened or created.
        case cannotOpen
        /// The file at the path is not a SQLite database (or is corrupt); it was moved to `movedTo`.
        case notADatabase(movedTo: String)
        /// A read or write failed.
        case databaseFailure
        /// An argument was not acceptable (e.g. a hash that is not 64 hex digits).
        case invalidArgument
        /// The legacy JSON file could not be imported.
        case legacyImportFailed
    }

    /// The kind of failure.
    public let code: Code
    /// The database or input file concerned.
    public let path: String
    /// The whole message.
    public let description: String

    init(_ code: Code, path: String, _ description: String) {
        self.code = code
        self.path = path
        self.description = description
    }
}
