import Foundation
import TOMLKit

/// Checks a parsed configuration file key by key: unknown keys, wrong types and values out of range are
/// errors naming the line, with the expected value said.
public struct ConfigFileParser {
    /// The file's path, for messages.
    public let path: String
    /// The file's text.
    public let text: String

    /// A parser of `text`, read from `path`.
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    static let topKeys = ["refresh", "color", "local", "rate_window", "targets", "thresholds"]
    static let thresholdKeys = [
        "relative_warning", "relative_critical", "floor_ms", "success_warning", "success_critical", "rule",
    ]
    static let ruleKeys = ["tool", "server", "warning_ms", "critical_ms"]

    /// The configuration the text sets, or the first problem in it.
    public func parse() throws(ConfigFileError) -> DashboardConfig {
        if let problem = TOMLPreflight.problem(in: text) {
            throw ConfigFileError(path: path, line: problem.line, message: problem.message)
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigFileError(path: path, line: error.source.begin.line, message: error.description)
        } catch {
            throw ConfigFileError(path: path, line: nil, message: "not TOML: \(error)")
        }
        let lines = KeyLines(text)
        var config = DashboardConfig()
        try check(root, allowed: Self.topKeys, table: "", lines: lines)
        config.refresh = try number(root, "refresh", in: 0.25...10, lines: lines)
        config.color = try bool(root, "color", lines: lines)
        config.local = try bool(root, "local", lines: lines)
        config.rateWindow = try number(root, "rate_window", in: 2...300, lines: lines)
        if let value = root["targets"] {
            guard let array = value.array else {
                throw wrong("targets", "an array of \"host:port\" strings", value, lines)
            }
            for element in array {
                guard let target = element.string, !target.isEmpty else {
                    throw wrong("targets", "an array of \"host:port\" strings", element, lines)
                }
                config.targets.append(target)
            }
        }
        if let value = root["thresholds"] {
            guard let table = value.table else { throw wrong("thresholds", "a table", value, lines) }
            try thresholds(table, into: &config.thresholds, lines: lines)
        }
        return config
    }

    private func thresholds(
        _ table: TOMLTable,
        into thresholds: inout LatencyThresholds,
        lines: KeyLines
    ) throws(ConfigFileError) {
        try check(table, allowed: Self.thresholdKeys, table: "thresholds", lines: lines)
        let prefix = "thresholds."
        thresholds.relativeWarning =
            try number(table, "relative_warning", prefix: prefix, in: 1...1000, lines: lines)
            ?? thresholds.relativeWarning
        thresholds.relativeCritical =
            try number(table, "relative_critical", prefix: prefix, in: 1...1000, lines: lines)
            ?? thresholds.relativeCritical
        thresholds.floorMs =
            try number(table, "floor_ms", prefix: prefix, in: 0...3_600_000, lines: lines) ?? thresholds.floorMs
        thresholds.successWarning =
            try number(table, "success_warning", prefix: prefix, in: 0...100, lines: lines) ?? thresholds.successWarning
        thresholds.successCritical =
            try number(table, "success_critical", prefix: prefix, in: 0...100, lines: lines)
            ?? thresholds.successCritical
        if thresholds.relativeCritical < thresholds.relativeWarning {
            throw ConfigFileError(
                path: path,
                line: lines.line(of: "thresholds.relative_critical"),
                message:
                    "key `thresholds.relative_critical`: must be at least relative_warning (\(Self.text(thresholds.relativeWarning)))"
            )
        }
        guard let value = table["rule"] else { return }
        guard let rules = value.array else {
            throw wrong("thresholds.rule", "an array of tables ([[thresholds.rule]])", value, lines)
        }
        for (index, element) in rules.enumerated() {
            let name = "thresholds.rule[\(index + 1)]"
            guard let rule = element.table else {
                throw wrong(name, "a table with tool, warning_ms, critical_ms", element, lines)
            }
            try check(rule, allowed: Self.ruleKeys, table: name, lines: lines)
            let prefix = name + "."
            guard let tool = try string(rule, "tool", prefix: prefix, lines: lines) else {
                throw ConfigFileError(
                    path: path,
                    line: lines.line(of: name),
                    message: "key `\(prefix)tool`: missing; say which tools (a glob such as \"search_*\")"
                )
            }
            let server = try string(rule, "server", prefix: prefix, lines: lines)
            guard let warning = try number(rule, "warning_ms", prefix: prefix, in: 0...3_600_000, lines: lines),
                let critical = try number(rule, "critical_ms", prefix: prefix, in: 0...3_600_000, lines: lines)
            else {
                throw ConfigFileError(
                    path: path,
                    line: lines.line(of: name),
                    message: "key `\(name)`: needs both warning_ms and critical_ms"
                )
            }
            guard critical >= warning else {
                throw ConfigFileError(
                    path: path,
                    line: lines.line(of: prefix + "critical_ms"),
                    message: "key `\(prefix)critical_ms`: must be at least warning_ms (\(Self.text(warning)))"
                )
            }
            thresholds.rules.append(.init(tool: tool, server: server, warningMs: warning, criticalMs: critical))
        }
    }

    // MARK: - Values

    private func check(
        _ table: TOMLTable,
        allowed: [String],
        table name: String,
        lines: KeyLines
    ) throws(ConfigFileError) {
        for key in table.keys where !allowed.contains(key) {
            let full = name.isEmpty ? key : "\(name).\(key)"
            let suggestion = allowed.min { Self.distance($0, key) < Self.distance($1, key) }
            let hint =
                suggestion.flatMap {
                    Self.distance($0, key) <= (key.count >= 6 ? 3 : 2) ? " (did you mean `\($0)`?)" : nil
                } ?? ""
            throw ConfigFileError(
                path: path,
                line: lines.line(of: full),
                message: "unknown key `\(full)`\(hint); known keys here: \(allowed.joined(separator: ", "))"
            )
        }
    }

    private func number(
        _ table: TOMLTable,
        _ key: String,
        prefix: String = "",
        in range: ClosedRange<Double>,
        lines: KeyLines
    ) throws(ConfigFileError) -> Double? {
        guard let value = table[key] else { return nil }
        let expected = "a number from \(Self.text(range.lowerBound)) to \(Self.text(range.upperBound))"
        let number: Double
        if let double = value.double {
            number = double
        } else if let int = value.int {
            number = Double(int)
        } else {
            throw wrong(prefix + key, expected, value, lines)
        }
        guard number.isFinite, range.contains(number) else { throw wrong(prefix + key, expected, value, lines) }
        return number
    }

    private func bool(_ table: TOMLTable, _ key: String, lines: KeyLines) throws(ConfigFileError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let bool = value.bool else { throw wrong(key, "true or false", value, lines) }
        return bool
    }

    private func string(
        _ table: TOMLTable,
        _ key: String,
        prefix: String,
        lines: KeyLines
    ) throws(ConfigFileError) -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string, !string.isEmpty else {
            throw wrong(prefix + key, "a non-empty string", value, lines)
        }
        return string
    }

    private func wrong(
        _ key: String,
        _ expected: String,
        _ value: any TOMLValueConvertible,
        _ lines: KeyLines
    ) -> ConfigFileError {
        let shown: String
        switch value.type {
        case .string: shown = "the string \"\(value.string ?? "")\""
        case .table: shown = "a table"
        case .array: shown = "an array"
        default: shown = "\(value.type.description) \(value.debugDescription)"
        }
        return ConfigFileError(
            path: path,
            line: lines.line(of: key),
            message: "key `\(key)`: expected \(expected), got \(shown)"
        )
    }

    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The edit distance of two short keys, for "did you mean".
    static func distance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs)
        let b = Array(rhs)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Where each key of a TOML text is (TOMLKit gives no positions): `[table]` and `[[array]]` headers are
/// followed, the n-th `[[thresholds.rule]]` is `thresholds.rule[n]`, and a key's line is that of its first
/// `key =`. Good enough for the hand-written files this reads; an unknown path falls back to no line.
struct KeyLines {
    private var lines: [String: Int] = [:]

    init(_ text: String) {
        var table = ""
        var arrays: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[[") {
                let name = Self.headerName(line, brackets: 2)
                arrays[name, default: 0] += 1
                table = "\(name)[\(arrays[name]!)]"
                record(table, number)
                record(name, number)
            } else if line.hasPrefix("[") {
                table = Self.headerName(line, brackets: 1)
                record(table, number)
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                var key = line[..<equals].trimmingCharacters(in: .whitespaces)
                if key.hasPrefix("\""), key.hasSuffix("\""), key.count >= 2 { key = String(key.dropFirst().dropLast()) }
                record(table.isEmpty ? key : "\(table).\(key)", number)
            }
        }
    }

    private mutating func record(_ path: String, _ line: Int) {
        if lines[path] == nil { lines[path] = line }
    }

    private static func headerName(_ line: String, brackets: Int) -> String {
        let inner = line.dropFirst(brackets)
        let end = inner.firstIndex(of: "]") ?? inner.endIndex
        return inner[..<end].trimmingCharacters(in: .whitespaces)
    }

    /// The line of `path` (`refresh`, `thresholds.rule[2].tool`), or of the nearest table it is in.
    func line(of path: String) -> Int? {
        var candidate = path
        while true {
            if let line = lines[candidate] { return line }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = String(candidate[..<dot])
        }
    }
}
