/// A page of `GET /v1/messages` read with the project's JSON parser: a dashboard polling eight busy proxies
/// reads 1 600 entries a second, which `JSONDecoder` took a third of its time over. The names are the
/// `Codable` conformances' own keys; `MessagesPageReadTests` holds the two readers to the same result.
extension MessagesPage {
    /// The page in `bytes`; nil when they are not a page (not JSON, or a required field missing or of
    /// another type).
    public static func read(_ bytes: [UInt8]) -> MessagesPage? {
        guard let value = try? JSONParser.parse(bytes), let members = value.members else { return nil }
        func member(_ key: CodingKeys) -> JSONValue? { members.first { $0.key == key.stringValue }?.value }
        guard let server = member(.server)?.stringValue, let capture = member(.capture)?.boolValue,
            let capacity = member(.capacity)?.intValue, let last = member(.last)?.intValue,
            let list = member(.messages)?.arrayValue
        else { return nil }
        var messages: [MessageEntry] = []
        messages.reserveCapacity(list.count)
        for item in list {
            guard let entry = MessageEntry.read(item) else { return nil }
            messages.append(entry)
        }
        return MessagesPage(server: server, capture: capture, capacity: capacity, last: last, messages: messages)
    }
}

extension MessageEntry {
    /// The entry `value` holds; nil when a required field is missing or of another type.
    static func read(_ value: JSONValue) -> MessageEntry? {
        guard let members = value.members else { return nil }
        var seq: Int?
        var time: Double?
        var direction: MessageDirection?
        var kind: String?
        var entry = MessageEntry(seq: 0, time: 0, direction: .clientToServer, kind: "", bytes: nil)
        for member in members {
            guard let key = CodingKeys(rawValue: member.key) else { continue }
            let value = member.value
            switch key {
            case .seq: seq = value.intValue
            case .time: time = value.doubleValue
            case .direction: direction = value.stringValue.flatMap(MessageDirection.init(rawValue:))
            case .kind: kind = value.stringValue
            case .method: entry.method = value.stringValue
            case .id: entry.id = value.stringValue
            case .tool: entry.tool = value.stringValue
            case .session: entry.session = value.stringValue
            case .bytes: entry.bytes = value.intValue
            case .latencyMs: entry.latencyMs = value.doubleValue
            case .outcome: entry.outcome = value.stringValue
            case .payload: entry.payload = value.stringValue
            case .truncated: entry.truncated = value.boolValue
            }
        }
        guard let seq, let time, let direction, let kind else { return nil }
        (entry.seq, entry.time, entry.direction, entry.kind) = (seq, time, direction, kind)
        return entry
    }
}
