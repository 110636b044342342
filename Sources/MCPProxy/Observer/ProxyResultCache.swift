import Engine
import MetricsWire

/// The opt-in result cache of a proxy (`--cache TOOL[=TTL]`): a repeated call of a listed tool with the same
/// arguments is answered from the engine's ``ResponseCache`` instead of the server.
///
/// Key: server name, protocol era, tool and the canonical JSON of the arguments (member order, whitespace and
/// number spelling do not split entries). Only successful, complete results are stored; the answer is the
/// stored result with the new request's id. Hits and misses count under the response cache like every other
/// lookup.
///
/// It obeys MCP 2026-07-28: an `input_required` round is never stored (it is not the call's result), nor a
/// `cacheScope: "private"` result when it serves many clients (HTTP); `ttlMs` caps an entry's TTL (0 stores
/// nothing); a retry carrying `requestState` or `inputResponses` is never answered from it.
public final class ProxyResultCache: Sendable {
    /// The cache entries live in.
    public let cache: ResponseCache
    /// The server's name, part of every key.
    public let serverName: String
    /// The tools whose calls are cached, each with its TTL (`nil`: the cache's default).
    public let tools: [String: Duration?]
    /// Whether answers may go to more than one client (HTTP): `cacheScope: "private"` results are not stored.
    public let sharedByClients: Bool

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
        /// The first level missed: ask the shared level for this key, then look up again with its answer.
        case askShared(ResponseCacheKey)
    }

    /// Creates the cache for `tools` of the server `serverName`; `sharedByClients` when its answers may go to
    /// more than one client.
    public init(cache: ResponseCache, serverName: String, tools: [String: Duration?], sharedByClients: Bool = false) {
        self.cache = cache
        self.serverName = serverName
        self.tools = tools
        self.sharedByClients = sharedByClients
    }

    /// The key of a call of `tool` with `arguments` (absent arguments are `{}`) in protocol `era` (a
    /// 2026-07-28 request's version, or `handshake`): the eras' results differ in shape.
    public func key(tool: String, arguments: JSONValue?, era: String = "handshake") -> ResponseCacheKey {
        CacheRequest(
            prompt: (arguments ?? .object([])).canonicalJSON,
            model: "mcp-tool:\(tool)",
            extra: ["server": serverName, "era": era]
        ).key
    }

    func lookup(
        id: RPCID,
        params: JSONValue?,
        line: UnsafeBufferPointer<UInt8>,
        members value: JSONValue,
        shared: SharedCacheAnswer = .notAsked
    ) -> Lookup {
        let tool = ProxyObserver.toolName(params)
        guard let ttl = tools[tool] else { return .notCached }
        // A retry's answer depends on the user's input, which is not in the key.
        if params?["requestState"] != nil || params?["inputResponses"] != nil { return .notCached }
        let era = ObserverState.modernVersion(params) ?? "handshake"
        let key = key(tool: tool, arguments: params?["arguments"], era: era)
        let stored: String?
        switch shared {
        case .answered(let found): stored = found
        case .notAsked:
            stored = cache.value(for: key)
            if stored == nil, cache.shared != nil { return .askShared(key) }
        }
        guard let stored,
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

    /// The TTL to store `result` with, as the protocol allows: `nil` when it must not be stored.
    func admission(of result: JSONValue, ttl: Duration?) -> Duration? {
        if result["resultType"]?.stringValue == "input_required" { return nil }
        if sharedByClients, result["cacheScope"]?.stringValue == "private" { return nil }
        let chosen = ttl ?? cache.configuration.defaultTTL
        guard let hinted = result["ttlMs"]?.doubleValue else { return chosen }
        // A freshness hint of 0 (or a negative one, read as 0) means stale at once.
        guard hinted >= 1 else { return nil }
        return min(chosen, .milliseconds(Int64(min(hinted, 1e15))))
    }

    /// Stores the raw result of the response `line` (parsed: `result`) under `key`, if the protocol allows.
    func store(resultOf line: UnsafeBufferPointer<UInt8>, result: JSONValue, key: ResponseCacheKey, ttl: Duration?) {
        guard let ttl = admission(of: result, ttl: ttl) else { return }
        guard case .object(let members)? = try? JSONParser.parse(line),
            let range = members.last(where: { $0.key == "result" })?.range
        else { return }
        // A private result may be kept for this proxy's one client (stdio), never shared with other replicas.
        let isPrivate = result["cacheScope"]?.stringValue == "private"
        cache.put(
            String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self),
            for: key,
            ttl: ttl,
            sharing: !isPrivate
        )
    }
}

/// What the shared cache level said of a call, once the relay asked it (``ProxyObserver/clientMessage``).
public enum SharedCacheAnswer: Sendable {
    /// Not asked yet: the first level is looked up.
    case notAsked
    /// Asked: the value it had (already counted, and put into the first level), or `nil`.
    case answered(String?)
}
