import MetricsClient

/// The opt-in result cache of a proxy (`--cache TOOL[=TTL]`): a repeated call of a listed tool with the same
/// arguments is answered from the engine's ``ResponseCache`` instead of the server.
///
/// Key: server name, tool and the canonical JSON of the arguments (member order, whitespace and number
/// spelling do not split entries). Only successful results are stored; the answer is the stored result with
/// the new request's id. Hits and misses count under the response cache like every other lookup.
public final class ProxyResultCache: Sendable {
    /// The cache entries live in.
    public let cache: ResponseCache
    /// The server's name, part of every key.
    public let serverName: String
    /// The tools whose calls are cached, each with its TTL (`nil`: the cache's default).
    public let tools: [String: Duration?]

    /// What to store a result under.
    struct Entry {
        var key: ResponseCacheKey
        var ttl: Duration?
    }

    /// What a lookup found.
    enum Lookup {
        /// The answer line to send the client, newline included.
        case answer([UInt8])
        /// Not stored yet: store the result under this entry.
        case miss(Entry)
        /// The tool is not cached.
        case notCached
    }

    /// Creates the cache for `tools` of the server `serverName`.
    public init(cache: ResponseCache, serverName: String, tools: [String: Duration?]) {
        self.cache = cache
        self.serverName = serverName
        self.tools = tools
    }

    /// The key of a call of `tool` with `arguments` (absent arguments are `{}`).
    public func key(tool: String, arguments: JSONValue?) -> ResponseCacheKey {
        CacheRequest(
            prompt: (arguments ?? .object([])).canonicalJSON,
            model: "mcp-tool:\(tool)",
            extra: ["server": serverName]
        ).key
    }

    func lookup(id: RPCID, params: JSONValue?, line: UnsafeBufferPointer<UInt8>, members value: JSONValue) -> Lookup {
        let tool = ProxyObserver.toolName(params)
        guard let ttl = tools[tool] else { return .notCached }
        let key = key(tool: tool, arguments: params?["arguments"])
        guard let stored = cache.value(for: key),
            case .object(let members) = value,
            let idRange = members.last(where: { $0.key == "id" })?.range
        else { return .miss(Entry(key: key, ttl: ttl)) }
        var answer: [UInt8] = []
        answer.reserveCapacity(stored.utf8.count + 48)
        answer.append(contentsOf: #"{"jsonrpc":"2.0","id":"#.utf8)
        answer.append(contentsOf: UnsafeBufferPointer(rebasing: line[idRange]))
        answer.append(contentsOf: #","result":"#.utf8)
        answer.append(contentsOf: stored.utf8)
        answer.append(contentsOf: "}\n".utf8)
        return .answer(answer)
    }

    /// Stores the raw `result` of the response `line` under `key`.
    func store(resultOf line: UnsafeBufferPointer<UInt8>, key: ResponseCacheKey, ttl: Duration?) {
        guard case .object(let members)? = try? JSONParser.parse(line),
            let range = members.last(where: { $0.key == "result" })?.range
        else { return }
        cache.put(String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self), for: key, ttl: ttl)
    }
}
