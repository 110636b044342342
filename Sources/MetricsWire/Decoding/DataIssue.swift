/// A value in a snapshot that could not be trusted: flagged and replaced, never a crash.
///
/// The decoder keeps going when a field is missing, of the wrong type, not a number, negative where only
/// counts make sense, or too large to be real. The field then holds a safe stand-in (usually 0) and the
/// problem is reported here, so a UI can show a warning next to the affected tool or cache.
public struct DataIssue: Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem the value has.
    public enum Kind: String, Sendable, Equatable {
        /// A field the schema expects was absent.
        case missing
        /// A field held a string, object, array, boolean or null where a number (or object) belongs.
        case wrongType
        /// A number was NaN or infinite.
        case notFinite
        /// A count, size or latency was below zero.
        case negative
        /// A number was too large to be a real measurement, or a percentage was outside 0–100.
        case outOfRange
        /// A count was not a whole number.
        case notWhole
        /// An entry could not be used at all and was left out.
        case dropped
    }

    /// Where the problem is, in a JSON-path-like notation: `tool_metrics["chat"].total_calls`.
    public var path: String
    /// What kind of problem it is.
    public var kind: Kind
    /// The offending value as received, shortened, for people.
    public var value: String?
    /// The tool the value belongs to, if any.
    public var tool: String?
    /// The cache the value belongs to, if any.
    public var cache: String?

    /// Creates an issue.
    public init(path: String, kind: Kind, value: String? = nil, tool: String? = nil, cache: String? = nil) {
        self.path = path
        self.kind = kind
        self.value = value
        self.tool = tool
        self.cache = cache
    }

    /// One line for people: `tool_metrics["chat"].total_calls: negative (-3)`.
    public var description: String {
        let what: String
        switch kind {
        case .missing: what = "missing"
        case .wrongType: what = "wrong type"
        case .notFinite: what = "not a finite number"
        case .negative: what = "negative"
        case .outOfRange: what = "out of range"
        case .notWhole: what = "not a whole number"
        case .dropped: what = "unusable, left out"
        }
        return "\(path): \(what)" + (value.map { " (\($0))" } ?? "")
    }
}
