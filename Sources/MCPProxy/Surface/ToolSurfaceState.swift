import MetricsWire

/// A server's tool surface as the observer keeps it: the latest whole `tools/list` (a paginated list's
/// pages joined), when each tool appeared, and the changes between lists. Lives under the observer's lock.
public struct ToolSurfaceState: Sendable {
    /// A surface before any list.
    public init() {}

    /// The latest whole list, by name.
    private(set) var tools: [String: ToolDefinition] = [:]
    /// When each tool first appeared, in seconds since 1970.
    private var since: [String: Double] = [:]
    /// Whole lists seen.
    private(set) var lists = 0
    /// The pages of a list whose last page has not come yet.
    private var pages: [ToolDefinition] = []
    /// The latest changes, oldest first.
    private var changes: [ToolSurfaceChange] = []
    private var counts: [String: Int] = [:]
    private var risky = 0
    private var seq = 0

    /// The most tools of one list kept: a server listing more is counted whole but judged on these.
    static let maxTools = 10_000

    /// Takes one page of a `tools/list` answer seen at `time`; returns what is wrong with it (each a
    /// protocol issue: the answer is relayed as it came all the same).
    public mutating func take(_ result: JSONValue, at time: Double) -> [ToolListProblem] {
        guard case .array(let listed)? = result["tools"] else {
            pages = []
            return [.notAList]
        }
        var problems: [ToolListProblem] = []
        for value in listed where pages.count < Self.maxTools {
            switch ToolDefinition.parse(value) {
            case .success(let tool): pages.append(tool)
            case .failure(let problem): problems.append(problem)
            }
        }
        // More pages to come: the list is judged once it is whole.
        if case .string? = result["nextCursor"] { return problems }
        var new: [String: ToolDefinition] = [:]
        for tool in pages {
            if new[tool.name] == nil {
                new[tool.name] = tool
            } else if !problems.contains(.duplicateName) {
                problems.append(.duplicateName)
            }
        }
        pages = []
        lists += 1
        if lists > 1 {
            record(ToolChange.between(tools, new), at: time)
        }
        for name in new.keys where since[name] == nil { since[name] = time }
        for name in since.keys where new[name] == nil { since[name] = nil }
        tools = new
        return problems
    }

    private mutating func record(_ found: [ToolChange], at time: Double) {
        for change in found {
            seq += 1
            counts[change.kind.rawValue, default: 0] += 1
            if change.risky { risky += 1 }
            changes.append(
                ToolSurfaceChange(
                    seq: seq,
                    time: time,
                    tool: DisplayText.singleLine(change.tool, maxLength: 200),
                    change: change.kind.rawValue,
                    risky: change.risky,
                    before: change.before.map { DisplayText.singleLine($0, maxLength: 1000) },
                    after: change.after.map { DisplayText.singleLine($0, maxLength: 1000) }
                )
            )
        }
        if changes.count > ToolSurfaceMetrics.maxChanges {
            changes.removeFirst(changes.count - ToolSurfaceMetrics.maxChanges)
        }
    }

    /// The section of the snapshot; nil before the first whole list.
    public var metrics: ToolSurfaceMetrics? {
        guard lists > 0 else { return nil }
        let listed = tools.values.map { tool in
            ListedTool(
                name: DisplayText.singleLine(tool.name, maxLength: 200),
                bytes: tool.bytes,
                hash: String(tool.hash.prefix(16)),
                since: since[tool.name] ?? 0
            )
        }.sorted { ($0.bytes, $1.name) > ($1.bytes, $0.name) }
        return ToolSurfaceMetrics(
            tools: listed,
            definitionsBytes: tools.values.reduce(0) { $0 + $1.bytes },
            lists: lists,
            changes: changes.reversed(),
            changeCounts: counts,
            riskyChanges: risky
        )
    }
}
