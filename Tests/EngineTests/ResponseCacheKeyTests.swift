import Engine
import Testing

@Suite("ResponseCacheKey")
struct ResponseCacheKeyTests {
    static let base = CacheRequest(
        prompt: "Explain WAL mode",
        model: "kimi-k2",
        temperature: 0.3,
        systemPrompt: "You are terse.",
        thinkingMode: "low",
        webSearch: false,
        extra: ["top_p": "0.9", "max_tokens": "512"]
    )

    static let variants: [(String, CacheRequest)] = {
        var list: [(String, CacheRequest)] = []
        func variant(_ name: String, _ change: (inout CacheRequest) -> Void) {
            var request = base
            change(&request)
            list.append((name, request))
        }
        variant("prompt") { $0.prompt = "Explain WAL mode!" }
        variant("model") { $0.model = "kimi-k2-turbo" }
        variant("temperature") { $0.temperature = 0.31 }
        variant("temperature nil") { $0.temperature = nil }
        variant("system prompt") { $0.systemPrompt = "You are verbose." }
        variant("system prompt nil") { $0.systemPrompt = nil }
        variant("system prompt empty") { $0.systemPrompt = "" }
        variant("thinking") { $0.thinkingMode = "high" }
        variant("thinking nil") { $0.thinkingMode = nil }
        variant("web search") { $0.webSearch = true }
        variant("web search nil") { $0.webSearch = nil }
        variant("extra value") { $0.extra["top_p"] = "0.8" }
        variant("extra added") { $0.extra["seed"] = "1" }
        variant("extra removed") { $0.extra["top_p"] = nil }
        variant("field boundary") {
            $0.extra = ["top_pmax_tokens": "0.9512"]
        }
        return list
    }()

    @Test("requests that differ in any key field never share a key")
    func everyFieldMatters() {
        var keys: [ResponseCacheKey: String] = [Self.base.key: "base"]
        for (name, request) in Self.variants {
            #expect(keys[request.key] == nil, "\(name) collides with \(keys[request.key] ?? "")")
            keys[request.key] = name
        }
        #expect(keys.count == Self.variants.count + 1)
    }

    @Test("temperature nil is not 0, and is compared at two decimals")
    func temperature() {
        func key(_ temperature: Double?) -> ResponseCacheKey {
            CacheRequest(prompt: "p", model: "m", temperature: temperature).key
        }
        #expect(key(nil) != key(0))
        #expect(key(0) == key(-0.0))
        #expect(key(0.3) == key(0.3000001))
        #expect(key(0.3) != key(0.31))
        #expect(key(.nan) != key(nil))
    }

    @Test("the prompt is trimmed; inner whitespace and case matter")
    func trimming() {
        func key(_ prompt: String) -> ResponseCacheKey { CacheRequest(prompt: prompt, model: "m").key }
        #expect(key("  hello world \n") == key("hello world"))
        #expect(key("\u{3000}hello world\u{00A0}") == key("hello world"))
        #expect(key("hello  world") != key("hello world"))
        #expect(key("Hello world") != key("hello world"))
    }

    @Test("the key does not depend on the order extra parameters were given in")
    func extraOrder() {
        var forward: [String: String] = [:]
        var backward: [String: String] = [:]
        let pairs = (0..<50).map { ("p\($0)", "v\($0)") }
        for (name, value) in pairs { forward[name] = value }
        for (name, value) in pairs.reversed() { backward[name] = value }
        #expect(
            CacheRequest(prompt: "p", model: "m", extra: forward).key
                == CacheRequest(prompt: "p", model: "m", extra: backward).key
        )
    }

    @Test("the key is stable across runs: a known request has a known digest")
    func stable() {
        // A change here means every persisted or shared key would change. The value was computed outside
        // Swift, from the documented encoding (tag byte, little-endian UInt64 length, bytes):
        //   f = lambda t, b: t.encode() + struct.pack("<Q", len(b)) + b
        //   m = b"response-cache/v2" + f("p", b"Explain WAL mode") + f("m", b"kimi-k2") + f("t", b"30")
        //     + f("s", sha256(b"You are terse.").digest()) + f("k", b"low") + f("w", b"0") + f("x", b"2")
        //     + f("n", b"max_tokens") + f("v", b"512") + f("n", b"top_p") + f("v", b"0.9")
        //   sha256(m).hexdigest()
        #expect(Self.base.key.description == "4f83c91320f49615c638deabafa9bd8cdcc4b564439abc0a8c9632775a30350a")
    }
}
