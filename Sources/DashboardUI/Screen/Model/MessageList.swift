import MetricsWire

/// One message in the Messages view: which target's log it came from, and its entry.
struct MessageKey: Hashable, Sendable {
    /// The target's id (`HOST:PORT`).
    var target: String
    /// Its number in that target's log.
    var seq: Int
}

/// A relayed message as the Messages view lists it.
struct MessageRow: Sendable, Equatable {
    /// The target whose log holds it.
    var target: String
    /// The server it went to or came from, as its proxy names it.
    var server: String
    /// What the proxy logged.
    var entry: MessageEntry
    /// The lowercased words the filter looks in: server, direction, kind, method, tool, id, outcome.
    let searchText: [UInt8]
    /// What a captured payload carries, on one line: a request's `params`, an answer's `result` or `error`
    /// (the whole message when it is none of those), at most ``previewLength`` characters.
    let preview: String?

    /// The longest ``preview``.
    static let previewLength = 240

    /// A row of `entry` from `target`'s log of `server`.
    init(target: String, server: String, entry: MessageEntry) {
        self.target = target
        self.server = server
        self.entry = entry
        let words = [
            server, entry.direction == .clientToServer ? "→ c2s" : "← s2c", entry.kind, entry.method ?? "",
            entry.tool ?? "", entry.id ?? "", entry.outcome ?? "",
        ]
        searchText = Array(words.joined(separator: " ").lowercased().utf8)
        preview = entry.payload.map(Self.preview)
    }

    private static func preview(_ payload: String) -> String {
        guard let message = try? JSONParser.parse(Array(payload.utf8)) else {
            return String(payload.prefix(previewLength))
        }
        let part = message["params"] ?? message["result"] ?? message["error"] ?? message
        return String(part.compactText.prefix(previewLength))
    }

    /// The key of its entry.
    var key: MessageKey { MessageKey(target: target, seq: entry.seq) }

    /// Whether the row holds `needle` (lowercased UTF-8 bytes); the empty needle matches every row.
    func matches(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= searchText.count else { return false }
        let first = needle[0]
        var index = 0
        let last = searchText.count - needle.count
        while index <= last {
            if searchText[index] == first {
                var offset = 1
                while offset < needle.count, searchText[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            index += 1
        }
        return false
    }
}

/// What one watched target's message log said at its last read.
struct MessageSource: Sendable, Equatable {
    /// The target's id.
    var target: String
    /// The server its proxy stands in front of, or the target's name before the first answer.
    var server: String
    /// Whether it keeps payloads (`--capture`); nil before it answered.
    var capture: Bool?
    /// Why it lists no messages, when it does not.
    var problem: String?
    /// That in a few words.
    var brief: String?
}

/// The messages the dashboard has read from every watched proxy, oldest first, and what each log said.
struct MessageList: Sendable, Equatable {
    /// The messages, in the order they were read (by time within one read of every target).
    var rows: [MessageRow] = []
    /// One per watched target, in the watcher's order.
    var sources: [MessageSource] = []
    /// Messages dropped from the front to keep ``capacity``.
    var dropped = 0

    /// The most messages kept; older ones are forgotten.
    static let capacity = 5000

    /// The indices of the rows that hold every word of `filter` (ignoring case), oldest first.
    func shown(filter: String) -> [Int] {
        let needles = filter.lowercased().split(separator: " ").map { Array($0.utf8) }
        guard !needles.isEmpty else { return Array(rows.indices) }
        return rows.indices.filter { index in needles.allSatisfy { rows[index].matches($0) } }
    }

    /// The row of `key`, looked for from the newest back.
    func row(_ key: MessageKey) -> MessageRow? {
        rows.last { $0.entry.seq == key.seq && $0.target == key.target }
    }

    /// Adds `rows` at the end, dropping the oldest past ``capacity``.
    mutating func append(_ new: [MessageRow]) {
        rows.append(contentsOf: new)
        if rows.count > Self.capacity {
            let excess = rows.count - Self.capacity
            rows.removeFirst(excess)
            dropped += excess
        }
    }

    /// Puts `row` in the place of the row with its key (read again once its answer was matched); false when
    /// that row is not among the newest `lookback`.
    mutating func replace(_ row: MessageRow, lookback: Int = 2000) -> Bool {
        let start = max(0, rows.count - lookback)
        guard let index = rows[start...].lastIndex(where: { $0.entry.seq == row.entry.seq && $0.target == row.target })
        else { return false }
        rows[index] = row
        return true
    }
}
