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
            server, entry.direction == .clientToServer ? "c2s" : "s2c", entry.kind, entry.method ?? "",
            entry.tool ?? "", entry.id ?? "", entry.outcome ?? "",
        ]
        searchText = Array((entry.direction == .clientToServer ? "→ " : "← ").utf8) + Self.lowercased(words)
        preview = entry.payload.map(Self.preview)
    }

    /// The members a preview shows, as they are spelled in a payload.
    private static let payloadKeys = [#""params":"#, #""result":"#, #""error":"#].map { Array($0.utf8) }

    /// Where `needle` starts in `haystack`, if it does.
    private static func offset(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            var matched = 1
            while matched < needle.count, haystack[start + matched] == needle[matched] { matched += 1 }
            if matched == needle.count { return start }
        }
        return nil
    }

    /// `words` joined by spaces, lowercased: ASCII byte by byte (most of them), the rest by the library.
    private static func lowercased(_ words: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words.reduce(words.count) { $0 + $1.utf8.count })
        var ascii = true
        for word in words {
            if !bytes.isEmpty { bytes.append(0x20) }
            for byte in word.utf8 {
                ascii = ascii && byte < 0x80
                bytes.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
            }
        }
        return ascii ? bytes : Array(words.joined(separator: " ").lowercased().utf8)
    }

    /// What follows a payload's `"params":`, `"result":` or `"error":` (the first of them in its opening
    /// kilobyte), else its start: found without parsing it, since a payload may be 64 KiB. A key found this
    /// way is one: inside a string a quote is escaped, so `"result":` cannot appear there.
    private static func preview(_ payload: String) -> String {
        let bytes = payload.utf8
        var start = bytes.startIndex
        let head = Array(bytes.prefix(1024))
        for key in Self.payloadKeys {
            if let offset = Self.offset(of: key, in: head) {
                start = bytes.index(bytes.startIndex, offsetBy: offset + key.count)
                break
            }
        }
        var end = bytes.index(start, offsetBy: min(previewLength, bytes.distance(from: start, to: bytes.endIndex)))
        // On a character's boundary.
        while end > start, end.samePosition(in: payload.unicodeScalars) == nil {
            end = bytes.index(before: end)
        }
        // A member taken to the end of the message: without the message's closing brace.
        if start != bytes.startIndex, end == bytes.endIndex, end > start, bytes[bytes.index(before: end)] == 0x7D {
            end = bytes.index(before: end)
        }
        return String(payload[start..<end])
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

/// What reads of the message logs brought since the screen last took them.
struct MessageDelta: Sendable {
    /// New messages, oldest first.
    var added: [MessageRow] = []
    /// Messages read again (an answer's latency had not been filled in): they replace their rows.
    var replaced: [MessageRow] = []
    /// The sources, when what they say changed.
    var sources: [MessageSource]?
    /// Messages read but forgotten before the screen took them (it was paused), beyond ``MessageList/capacity``.
    var dropped = 0

    /// Whether it brings nothing.
    var isEmpty: Bool { added.isEmpty && replaced.isEmpty && sources == nil && dropped == 0 }
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

    /// Adds what a ``MessageDelta`` brought.
    mutating func apply(_ delta: MessageDelta) {
        if let sources = delta.sources { self.sources = sources }
        dropped += delta.dropped
        append(delta.added)
        for row in delta.replaced { _ = replace(row) }
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
