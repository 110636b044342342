import Foundation
import MetricsWire

/// A server's tool surface pinned to a file (`dashboard tools pin`): each tool's canonical definition and
/// hash, members sorted and tools by name, so the same surface always writes the same bytes. A proxy given
/// it (`--tools-baseline`) reports every difference of the first list as a change against it, and with
/// `--tools-policy block` refuses calls of the tools that differ.
public struct ToolsBaseline: Sendable, Equatable {
    /// The server the tools were pinned from (the proxy's `--name`).
    public let server: String
    /// The pinned tools, by name.
    public let tools: [String: ToolDefinition]
    /// Whether the server's latest list was too long to read (a proxy's surface, never a pinned file): the
    /// tools are those of the list before it.
    public let unreadable: Bool

    /// The format's name, first in every file.
    static let format = "dashboard-tools-baseline"

    /// A baseline of `tools` of `server`; `unreadable` when the latest list could not be read.
    public init(server: String, tools: [ToolDefinition], unreadable: Bool = false) {
        self.server = server
        self.unreadable = unreadable
        self.tools = Dictionary(tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// How `current` differs from this baseline, one line each (`lookup: description changed`), by tool name;
    /// empty when they are the same tools.
    public func differences(_ current: ToolsBaseline) -> [String] {
        (current.unreadable ? ["*: the server's latest tools/list was too long to read (risky)"] : [])
            + ToolChange.between(tools, current.tools).map { change in
                "\(change.tool): "
                    + (change.kind == .added
                        ? "not in the baseline"
                        : change.kind == .removed ? "no longer listed" : "\(change.kind.rawValue) changed")
                    + (change.risky ? " (risky)" : "")
            }
    }

    /// The file's text: canonical JSON, one tool a line.
    public var document: String {
        let lines = tools.keys.sorted().compactMap { name -> String? in
            guard let tool = tools[name] else { return nil }
            let entry = JSONValue.object([
                JSONMember(key: "definition", value: tool.value, range: 0..<0),
                JSONMember(key: "hash", value: .string(tool.hash), range: 0..<0),
                JSONMember(key: "name", value: .string(tool.name), range: 0..<0),
            ])
            return "  " + entry.canonicalJSON
        }
        return #"{"format":"\#(Self.format)","server":\#(JSONValue.string(server).canonicalJSON),"tools":["#
            + (lines.isEmpty ? "" : "\n" + lines.joined(separator: ",\n") + "\n") + "],"
            + (unreadable ? #""unreadable":true,"# : "") + "\"version\":1}\n"
    }

    /// Reads the baseline in the file at `path`; for `server` (the proxy's name) when given.
    public static func read(path: String, server: String? = nil) throws(ToolsBaselineError) -> ToolsBaseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "there is no such file"
            throw ToolsBaselineError(path: path, reason: reason)
        }
        let baseline = try parse(Array(data), path: path)
        if baseline.unreadable {
            throw ToolsBaselineError(path: path, reason: "it records a tools/list that was too long to read")
        }
        if let server, baseline.server != server {
            throw ToolsBaselineError(
                path: path,
                reason: "it pins the tools of '\(DisplayText.singleLine(baseline.server, maxLength: 80))', "
                    + "not of '\(server)' (pin this server's with dashboard tools pin, or give the proxy that --name)"
            )
        }
        return baseline
    }

    /// The baseline in `bytes` (a file's or a `GET /v1/tools` answer's).
    public static func parse(_ bytes: [UInt8], path: String) throws(ToolsBaselineError) -> ToolsBaseline {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ToolsBaselineError(path: path, reason: "it is not JSON (\(error))")
        }
        guard value["format"]?.stringValue == format, let server = value["server"]?.stringValue,
            case .array(let entries)? = value["tools"]
        else {
            throw ToolsBaselineError(path: path, reason: "it is not a tools baseline (written by dashboard tools pin)")
        }
        var tools: [ToolDefinition] = []
        for (index, entry) in entries.enumerated() {
            guard let definition = entry["definition"], case .success(let tool) = ToolDefinition.parse(definition)
            else {
                throw ToolsBaselineError(path: path, reason: "its tool \(index + 1) has no definition with a name")
            }
            tools.append(tool)
        }
        return ToolsBaseline(server: server, tools: tools, unreadable: value["unreadable"]?.boolValue == true)
    }
}

/// A tools baseline that cannot be used, naming the file and why.
public struct ToolsBaselineError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// Why it cannot be used.
    public let reason: String

    /// `the tools baseline FILE cannot be used: REASON`.
    public var description: String { "the tools baseline \(path) cannot be used: \(reason)" }
}
