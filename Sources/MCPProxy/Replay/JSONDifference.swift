import MetricsWire

/// Where a replayed answer first differs from the recorded one: a JSON pointer and the two values there.
public struct JSONDifference: Sendable, Equatable {
    /// The JSON pointer (RFC 6901) of the first difference; empty for the whole answer.
    public var pointer: String
    /// The recorded value there, as compact JSON (absent: nil).
    public var recorded: String?
    /// The replayed value there, as compact JSON (absent: nil).
    public var replayed: String?

    /// A difference at `pointer`, between `recorded` and `replayed` (compact JSON; nil where absent).
    public init(pointer: String, recorded: String?, replayed: String?) {
        self.pointer = pointer
        self.recorded = recorded
        self.replayed = replayed
    }

    /// The first difference between `recorded` and `replayed`, members in the recorded order first; nil when
    /// they are the same. Pointers in `ignoring` (and everything under them) are not compared, nor any
    /// `requestState` member (encrypted afresh by every server process).
    public static func first(
        recorded: JSONValue,
        replayed: JSONValue,
        ignoring: Set<String> = []
    ) -> JSONDifference? {
        compare(recorded, replayed, at: "", ignoring: ignoring)
    }

    private static func compare(
        _ a: JSONValue,
        _ b: JSONValue,
        at pointer: String,
        ignoring: Set<String>
    )
        -> JSONDifference?
    {
        if ignoring.contains(pointer) { return nil }
        switch (a, b) {
        case (.object(let left), .object(let right)):
            let rightByKey = Dictionary(right.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let leftKeys = Set(left.map(\.key))
            for member in left where member.key != "requestState" {
                let path = pointer + "/" + escape(member.key)
                guard let other = rightByKey[member.key] else {
                    if ignoring.contains(path) { continue }
                    return JSONDifference(pointer: path, recorded: member.value.compactText, replayed: nil)
                }
                if let difference = compare(member.value, other, at: path, ignoring: ignoring) { return difference }
            }
            for member in right where !leftKeys.contains(member.key) && member.key != "requestState" {
                let path = pointer + "/" + escape(member.key)
                if ignoring.contains(path) { continue }
                return JSONDifference(pointer: path, recorded: nil, replayed: member.value.compactText)
            }
            return nil
        case (.array(let left), .array(let right)):
            for index in 0..<max(left.count, right.count) {
                let path = pointer + "/\(index)"
                guard index < left.count, index < right.count else {
                    if ignoring.contains(path) { continue }
                    return JSONDifference(
                        pointer: path,
                        recorded: index < left.count ? left[index].compactText : nil,
                        replayed: index < right.count ? right[index].compactText : nil
                    )
                }
                if let difference = compare(left[index], right[index], at: path, ignoring: ignoring) {
                    return difference
                }
            }
            return nil
        case (.number(let left), .number(let right)):
            if JSONValue.canonicalNumber(left) == JSONValue.canonicalNumber(right) { return nil }
        case (.string(let left), .string(let right)) where left == right: return nil
        case (.bool(let left), .bool(let right)) where left == right: return nil
        case (.null, .null): return nil
        default: break
        }
        return JSONDifference(pointer: pointer, recorded: a.compactText, replayed: b.compactText)
    }

    /// A member name as a JSON pointer writes it (`~` as `~0`, `/` as `~1`).
    static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
