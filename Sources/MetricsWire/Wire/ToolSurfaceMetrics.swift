/// A server's tool surface as its proxy saw it (`mcp.tool_surface`): the tools of its latest whole
/// `tools/list` with the size of each definition, and how the list changed since the first.
public struct ToolSurfaceMetrics: Codable, Sendable, Equatable {
    /// The tools of the latest whole list, largest first.
    public var tools: [ListedTool]
    /// The bytes of all their definitions (canonical JSON); about a quarter of it in tokens of a model's
    /// context.
    public var definitionsBytes: Int
    /// Whole lists seen (a paginated list's pages joined).
    public var lists: Int
    /// The latest changes, newest first, at most ``maxChanges``.
    public var changes: [ToolSurfaceChange]
    /// Changes since start by kind: `added`, `removed`, `description`, `schema`, `annotations`.
    public var changeCounts: [String: Int]
    /// Of those, the risky ones.
    public var riskyChanges: Int

    /// How many changes are listed at most.
    public static let maxChanges = 50

    /// Creates the section.
    public init(
        tools: [ListedTool] = [],
        definitionsBytes: Int = 0,
        lists: Int = 0,
        changes: [ToolSurfaceChange] = [],
        changeCounts: [String: Int] = [:],
        riskyChanges: Int = 0
    ) {
        self.tools = tools
        self.definitionsBytes = definitionsBytes
        self.lists = lists
        self.changes = changes
        self.changeCounts = changeCounts
        self.riskyChanges = riskyChanges
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tools, lists, changes
        case definitionsBytes = "definitions_bytes"
        case changeCounts = "change_counts"
        case riskyChanges = "risky_changes"
    }
}

/// How a listed tool changed between two lists (or against a pinned baseline).
public enum ToolChangeKind: String, Sendable, Equatable, CaseIterable {
    /// A tool that was not listed is.
    case added
    /// A tool that was listed is not.
    case removed
    /// Its title or description changed: what a model reads as instructions.
    case description
    /// Its input or output schema changed.
    case schema
    /// Its annotations (`readOnlyHint`, `destructiveHint`, …) changed.
    case annotations
    /// A list too long for the proxy to read whole (over its line limit): what changed in it is not known
    /// (its tool is `*`). Always risky: padding a list is a way to hide a change.
    case unreadable
}

/// One tool of a server's latest list.
public struct ListedTool: Codable, Sendable, Equatable {
    /// Its name.
    public var name: String
    /// Its definition's size (canonical JSON), in bytes.
    public var bytes: Int
    /// The start of its definition's SHA-256 (16 hex digits): two lists' tool is the same when this is.
    public var hash: String
    /// When it first appeared in a list, in seconds since 1970.
    public var since: Double

    /// Creates a listed tool.
    public init(name: String, bytes: Int, hash: String, since: Double) {
        self.name = name
        self.bytes = bytes
        self.hash = hash
        self.since = since
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, bytes, hash, since
    }
}

/// One change of a server's tool list.
public struct ToolSurfaceChange: Codable, Sendable, Equatable {
    /// Its number: 1, 2, 3, … in the order the proxy saw them (the dashboard acknowledges up to one).
    public var seq: Int
    /// When the list that made it was seen, in seconds since 1970.
    public var time: Double
    /// The tool.
    public var tool: String
    /// `added`, `removed`, `description`, `schema`, `annotations`, or `unreadable` (a list too long to read).
    public var change: String
    /// Whether it is the kind a poisoned or rug-pulled server makes: a description rewritten after the list
    /// was first seen, an annotation turned "safer" (`readOnlyHint` to true, `destructiveHint` to false), a
    /// tool added after the first list.
    public var risky: Bool
    /// What it was: the description, or the annotations as JSON; at most 1 000 characters.
    public var before: String?
    /// What it is now.
    public var after: String?
    /// True when it is a difference from the pinned baseline (`--tools-baseline`) found in the first list.
    public var baseline: Bool?

    /// Creates a change.
    public init(
        seq: Int,
        time: Double,
        tool: String,
        change: String,
        risky: Bool,
        before: String? = nil,
        after: String? = nil,
        baseline: Bool? = nil
    ) {
        self.seq = seq
        self.time = time
        self.tool = tool
        self.change = change
        self.risky = risky
        self.before = before
        self.after = after
        self.baseline = baseline
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case seq, time, tool, change, risky, before, after, baseline
    }
}

extension ToolSurfaceMetrics: WireObject {
    static let wire = WireSchema<Self>([
        .objects(CodingKeys.tools, \.tools),
        .count(CodingKeys.definitionsBytes, \.definitionsBytes),
        .count(CodingKeys.lists, \.lists),
        .objects(CodingKeys.changes, \.changes),
        .counts(CodingKeys.changeCounts, \.changeCounts),
        .count(CodingKeys.riskyChanges, \.riskyChanges),
    ])
}

extension ListedTool: WireObject {
    static let wire = WireSchema<Self>([
        .string(CodingKeys.name, \.name),
        .count(CodingKeys.bytes, \.bytes),
        .string(CodingKeys.hash, \.hash),
        .number(CodingKeys.since, \.since, range: 0...1e11),
    ])
}

extension ToolSurfaceChange: WireObject {
    static let wire = WireSchema<Self>([
        .count(CodingKeys.seq, \.seq),
        .number(CodingKeys.time, \.time, range: 0...1e11),
        .string(CodingKeys.tool, \.tool),
        .string(CodingKeys.change, \.change),
        .bool(CodingKeys.risky, \.risky),
        .optionalString(CodingKeys.before, \.before, displayLength: 1000),
        .optionalString(CodingKeys.after, \.after, displayLength: 1000),
        .optionalBool(CodingKeys.baseline, \.baseline),
    ])
}
