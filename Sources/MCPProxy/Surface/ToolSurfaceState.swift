import MetricsWire

/// A server's tool surface as the observer keeps it: the latest whole `tools/list` (a paginated list's
/// pages joined), when each tool appeared, and the changes between lists. Lives under the observer's lock.
public struct ToolSurfaceState: Sendable {
    /// The pinned surface the first list is compared with (`--tools-baseline`).
    public let baseline: ToolsBaseline?

    /// A surface before any list; its first list compared with `baseline` when there is one.
    public init(baseline: ToolsBaseline? = nil) {
        self.baseline = baseline
    }

    /// The latest whole list, by name.
    private(set) var tools: [String: ToolDefinition] = [:]
    /// When each tool first appeared, in seconds since 1970.
    private var since: [String: Double] = [:]
    /// Whole lists seen.
    private(set) var lists = 0
    /// The pages of a list whose last page has not come yet.
    private var pages: [ToolDefinition] = []
    /// Whether the latest list was too long to read: nothing can be checked until a readable one comes.
    private(set) var unreadable = false
    /// Names the latest list gave more than one tool: which one a client uses cannot be known.
    private(set) var duplicated: Set<String> = []
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
        for value in listed {
            // A list past the most kept cannot be judged whole: as if unreadable.
            guard pages.count < Self.maxTools else {
                listUnreadable(at: time)
                return problems
            }
            switch ToolDefinition.parse(value) {
            case .success(let tool): pages.append(tool)
            case .failure(let problem): problems.append(problem)
            }
        }
        // More pages to come: the list is judged once it is whole.
        if case .string? = result["nextCursor"] { return problems }
        var new: [String: ToolDefinition] = [:]
        var duplicated: Set<String> = []
        for tool in pages {
            if new[tool.name] == nil {
                new[tool.name] = tool
            } else {
                duplicated.insert(tool.name)
                if !problems.contains(.duplicateName) { problems.append(.duplicateName) }
            }
        }
        self.duplicated = duplicated
        pages = []
        lists += 1
        unreadable = false
        if lists > 1 {
            record(ToolChange.between(tools, new), at: time)
        } else if let baseline {
            record(ToolChange.between(baseline.tools, new), at: time, againstBaseline: true)
        }
        for name in new.keys where since[name] == nil { since[name] = time }
        for name in since.keys where new[name] == nil { since[name] = nil }
        tools = new
        return problems
    }

    /// A `tools/list` answer too long to read whole came at `time`: a risky change of unknown content.
    public mutating func listUnreadable(at time: Double) {
        pages = []
        unreadable = true
        record([ToolChange(tool: "*", kind: .unreadable, risky: true)], at: time)
    }

    private mutating func record(_ found: [ToolChange], at time: Double, againstBaseline: Bool = false) {
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
                    after: change.after.map { DisplayText.singleLine($0, maxLength: 1000) },
                    baseline: againstBaseline ? true : nil
                )
            )
        }
        if changes.count > ToolSurfaceMetrics.maxChanges {
            changes.removeFirst(changes.count - ToolSurfaceMetrics.maxChanges)
        }
    }

    /// Why a call of `tool` must not reach the server under `--tools-policy block`: it is not in the baseline,
    /// or the latest list changed it from the baseline's; nil when it may go (or there is no baseline).
    public func refusal(of tool: String) -> String? {
        guard let baseline else { return nil }
        if unreadable {
            return "the server's latest tools/list was too long to read, so no tool can be checked against the "
                + "pinned tools baseline"
        }
        guard let pinned = baseline.tools[tool] else { return "'\(tool)' is not in the pinned tools baseline" }
        if duplicated.contains(tool) {
            return "'\(tool)' is listed more than once by the server, so which definition a client uses is unknown"
        }
        guard let listed = tools[tool] else {
            return lists > 0 ? "'\(tool)' is not in the server's latest tools/list" : nil
        }
        guard listed.hash != pinned.hash else { return nil }
        let kinds = ToolChange.between([tool: pinned], [tool: listed]).map(\.kind.rawValue)
        return "'\(tool)' differs from the pinned tools baseline: its \(kinds.joined(separator: " and ")) changed"
    }

    /// The surface as a baseline file's text (`GET /v1/tools`, `dashboard tools pin`); nil before a list.
    public func document(server: String) -> String? {
        guard lists > 0 || unreadable else { return nil }
        return ToolsBaseline(server: server, tools: Array(tools.values), unreadable: unreadable).document
    }

    /// The section of the snapshot; nil before the first list (whole or unreadable).
    public var metrics: ToolSurfaceMetrics? {
        guard lists > 0 || unreadable else { return nil }
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
