import Crypto
import Foundation
import MetricsWire

/// One tool as its server listed it, reduced to what a change is judged by: its name, title and
/// description (what a model reads as instructions), its input and output schemas, its annotations.
public struct ToolDefinition: Sendable, Equatable {
    /// The tool's name.
    public let name: String
    /// Its title and description as listed ("" when it has none).
    public let description: String
    /// The judged parts as canonical JSON (members sorted, numbers in one spelling): what is hashed.
    public let canonical: String
    /// The hex SHA-256 of ``canonical``.
    public let hash: String
    /// The input and output schemas, canonical.
    let schemas: String
    /// The annotations, canonical.
    let annotations: String
    /// `annotations.readOnlyHint` and `annotations.destructiveHint` as listed.
    let readOnly: Bool?
    let destructive: Bool?
    /// The judged parts as a value (what a baseline stores).
    let value: JSONValue

    /// Its size in a model's context: the canonical definition's bytes.
    public var bytes: Int { canonical.utf8.count }

    /// The members of a listed tool that are judged.
    static let judged = ["name", "title", "description", "inputSchema", "outputSchema", "annotations"]

    /// The tool `value` describes, or why it is not one.
    static func parse(_ value: JSONValue) -> Result<ToolDefinition, ToolListProblem> {
        guard let members = value.members else { return .failure(.toolNotAnObject) }
        guard let name = value["name"]?.stringValue, !name.isEmpty else { return .failure(.toolWithoutName) }
        let kept = JSONValue.object(members.filter { judged.contains($0.key) })
        // Each part is written once: the whole is the parts in the order of their names.
        var parts: [String: String] = [:]
        for member in members where judged.contains(member.key) { parts[member.key] = member.value.canonicalJSON }
        var canonical = "{"
        for key in judged.sorted() {
            guard let part = parts[key] else { continue }
            if canonical.utf8.count > 1 { canonical += "," }
            canonical += "\"\(key)\":" + part
        }
        canonical += "}"
        let title = value["title"]?.stringValue ?? value["annotations"]?["title"]?.stringValue
        let text = value["description"]?.stringValue ?? ""
        return .success(
            ToolDefinition(
                name: name,
                description: title.map { "\($0): \(text)" } ?? text,
                canonical: canonical,
                hash: hex(SHA256.hash(data: Data(canonical.utf8))),
                schemas: "[" + (parts["inputSchema"] ?? "null") + "," + (parts["outputSchema"] ?? "null") + "]",
                annotations: parts["annotations"] ?? "null",
                readOnly: value["annotations"]?["readOnlyHint"]?.boolValue,
                destructive: value["annotations"]?["destructiveHint"]?.boolValue,
                value: kept
            )
        )
    }

    /// `bytes` in lowercase hexadecimal.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// What is wrong with a `tools/list` answer, named as the protocol issue it is counted as.
public enum ToolListProblem: String, Error, Sendable, Equatable {
    /// The result is not an object with a `tools` array.
    case notAList = "tools_list_invalid"
    /// A listed tool is not an object.
    case toolNotAnObject = "tool_not_an_object"
    /// A listed tool has no `name` (or an empty one).
    case toolWithoutName = "tool_without_name"
    /// Two listed tools share a name.
    case duplicateName = "duplicate_tool_name"
}

/// One change of a server's tool surface.
public struct ToolChange: Sendable, Equatable {
    /// The tool.
    public var tool: String
    /// What changed.
    public var kind: ToolChangeKind
    /// Whether it is the kind a poisoned or rug-pulled server makes: a description rewritten after the list
    /// was first seen, an annotation turned "safer", a tool added after the first list.
    public var risky: Bool
    /// What it was (a description's text, the annotations), when that says something.
    public var before: String?
    /// What it is now.
    public var after: String?

    /// The changes from `old` to `new` (both by name), in name order: a tool added to a list seen before is
    /// risky.
    static func between(_ old: [String: ToolDefinition], _ new: [String: ToolDefinition]) -> [ToolChange] {
        var changes: [ToolChange] = []
        for name in Set(old.keys).union(new.keys).sorted() {
            switch (old[name], new[name]) {
            case (nil, let added?):
                changes.append(ToolChange(tool: name, kind: .added, risky: true, after: added.description))
            case (let removed?, nil):
                changes.append(ToolChange(tool: name, kind: .removed, risky: false, before: removed.description))
            case (let before?, let after?) where before.hash != after.hash:
                let found = changes.count
                defer {
                    // What changed is in none of the parts compared (text moved between title and
                    // description, a description gone from absent to empty): a change of what the model reads.
                    if changes.count == found {
                        changes.append(
                            ToolChange(
                                tool: name,
                                kind: .description,
                                risky: true,
                                before: before.description,
                                after: after.description
                            )
                        )
                    }
                }
                if before.description != after.description {
                    changes.append(
                        ToolChange(
                            tool: name,
                            kind: .description,
                            risky: true,
                            before: before.description,
                            after: after.description
                        )
                    )
                }
                if before.schemas != after.schemas {
                    changes.append(ToolChange(tool: name, kind: .schema, risky: false))
                }
                if before.annotations != after.annotations {
                    // The spec's defaults: not read-only, destructive.
                    let safer =
                        (before.readOnly != true && after.readOnly == true)
                        || (before.destructive != false && after.destructive == false)
                    changes.append(
                        ToolChange(
                            tool: name,
                            kind: .annotations,
                            risky: safer,
                            before: before.annotations,
                            after: after.annotations
                        )
                    )
                }
            default:
                continue
            }
        }
        return changes
    }
}
