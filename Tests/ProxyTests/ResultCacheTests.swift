import Engine
import Foundation
import MCPProxy
import MetricsClient
import MetricsWire
import TestSupport
import Testing

/// The opt-in result cache: canonical keys, answers with the new id, nothing but successes stored.
@Suite("Proxy result cache")
struct ResultCacheTests {
    @Test("member order, whitespace, escapes and number spelling do not split entries")
    func canonical() throws {
        let spellings = [
            #"{"b": [1, 2.0, 3e0], "a": {"y": "\u0041", "x": null}}"#,
            #"{"a":{"x":null,"y":"A"},"b":[1.0,2,0.3E1]}"#,
            #"  {"a" : {"y":"A","x":null} , "b":[ 1 , 2 , 3 ] }  "#,
        ]
        let canonical = try spellings.map { try JSONParser.parse(Array($0.utf8)).canonicalJSON }
        #expect(Set(canonical).count == 1)
        #expect(canonical[0] == #"{"a":{"x":null,"y":"A"},"b":[1,2,3]}"#)
        let other = try JSONParser.parse(Array(#"{"a":{"x":null,"y":"A"},"b":[1,2,4]}"#.utf8)).canonicalJSON
        #expect(other != canonical[0])
        let big = try JSONParser.parse(Array("[12345678901234567890, -0.0, 1.5e300]".utf8)).canonicalJSON
        #expect(big == "[12345678901234567890,0,1.5e+300]")
    }

    @Test("a repeated call is answered from the cache with the new id; errors and isError are never stored")
    func answers() throws {
        let collector = MetricsCollector()
        let cache = ResponseCache(configuration: ResponseCacheConfiguration(), collector: collector)
        let tools: [String: Duration?] = ["forecast": .seconds(60), "flaky": nil]
        let results = ProxyResultCache(cache: cache, serverName: "weather", tools: tools)
        let observer = ProxyObserver(
            collector: collector,
            server: MCPServerStatus(name: "weather", executable: "w", running: true),
            cache: results
        )
        func client(_ line: String) -> String? {
            Array(line.utf8).withUnsafeBufferPointer { observer.clientLine($0, at: ContinuousClock.now) }.map {
                String(decoding: $0, as: UTF8.self)
            }
        }
        func server(_ line: String) {
            Array(line.utf8).withUnsafeBufferPointer { observer.serverLine($0, at: ContinuousClock.now) }
        }
        let first =
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"forecast","arguments":{"city":"Oslo","days":2}}}"#
        #expect(client(first) == nil)
        server(#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"rain"}],"isError":false}}"#)
        let again =
            #"{"jsonrpc":"2.0","id":"abc","method":"tools/call","params":{"arguments":{"days":2.0,"city":"Oslo"},"name":"forecast"}}"#
        #expect(
            client(again)
                == #"{"jsonrpc":"2.0","id":"abc","result":{"content":[{"type":"text","text":"rain"}],"isError":false}}"#
                + "\n"
        )
        let otherArguments =
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"forecast","arguments":{"city":"Rome","days":2}}}"#
        #expect(client(otherArguments) == nil)
        server(#"{"jsonrpc":"2.0","id":3,"error":{"code":-32603,"message":"down"}}"#)
        #expect(client(otherArguments) == nil, "an error is not stored")
        server(#"{"jsonrpc":"2.0","id":3,"result":{"isError":true,"content":[]}}"#)
        #expect(client(otherArguments) == nil, "an isError result is not stored")
        let uncached = #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"other","arguments":{}}}"#
        #expect(client(uncached) == nil)
        server(#"{"jsonrpc":"2.0","id":9,"result":{"content":[]}}"#)
        #expect(client(uncached) == nil)
        let snapshot = collector.snapshot(maxAge: .zero)
        let counters = try #require(snapshot.cacheMetrics[ResponseCache.metricsName])
        #expect(counters.hits == 1 && counters.misses == 4)
        #expect(snapshot.toolMetrics["forecast"]?.totalCalls == 4)
        #expect(snapshot.toolMetrics["other"]?.totalCalls == 1)
    }

    /// A proxy whose result cache serves `tools`; `shared` as over HTTP.
    struct Proxy {
        let collector = MetricsCollector()
        let observer: ProxyObserver
        let cache: ResponseCache

        init(tools: [String: Duration?], shared: Bool = false, clock: ManualClock? = nil) {
            cache = ResponseCache(configuration: ResponseCacheConfiguration(), collector: collector) {
                clock?.now ?? ContinuousClock.now
            }
            observer = ProxyObserver(
                collector: collector,
                server: MCPServerStatus(name: "s", executable: "s", running: true),
                cache: ProxyResultCache(cache: cache, serverName: "s", tools: tools, sharedByClients: shared)
            )
        }

        func client(_ line: String) -> String? {
            Array(line.utf8).withUnsafeBufferPointer { observer.clientLine($0, at: .now) }.map {
                String(decoding: $0, as: UTF8.self)
            }
        }

        func server(_ line: String) {
            Array(line.utf8).withUnsafeBufferPointer { observer.serverLine($0, at: .now) }
        }
    }

    static let modern = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}"#

    static func call(_ id: Int, _ tool: String = "greet", retry: String = "", modern: Bool = true) -> String {
        let extra = retry.isEmpty ? "" : "," + retry
        let meta = modern ? "," + Self.modern : ""
        return
            #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":{}\#(extra)\#(meta)}}"#
    }

    @Test(
        "a multi-round tool under --cache: rounds are never stored and retries never answered, every answer the server's"
    )
    func multiRound() throws {
        let proxy = Proxy(tools: ["greet": nil])
        for round in 0..<3 {
            let first = round * 2 + 1
            #expect(proxy.client(Self.call(first)) == nil, "round 1 of call \(round) goes to the server")
            proxy.server(
                #"{"jsonrpc":"2.0","id":\#(first),"result":{"resultType":"input_required","inputRequests":{},"requestState":"s\#(round)"}}"#
            )
            let retry = Self.call(first + 1, retry: #""inputResponses":{"q":{}},"requestState":"s\#(round)""#)
            #expect(proxy.client(retry) == nil, "a retry is never answered from the cache")
            proxy.server(#"{"jsonrpc":"2.0","id":\#(first + 1),"result":{"resultType":"complete","content":[]}}"#)
        }
        let snapshot = proxy.collector.snapshot(maxAge: .zero)
        #expect(snapshot.cacheMetrics[ResponseCache.metricsName]?.entries == 0)
        #expect(snapshot.toolMetrics["greet"]?.totalCalls == 3)
        #expect(snapshot.toolMetrics["greet"]?.rounds?.rounds == 6)
    }

    @Test("cacheScope private is kept from a cache many clients share; ttlMs caps the TTL and 0 stores nothing")
    func scopeAndTTL() throws {
        let answer = #"{"resultType":"complete","content":[],"cacheScope":"private"}"#
        for shared in [false, true] {
            let proxy = Proxy(tools: ["greet": nil], shared: shared)
            proxy.client(Self.call(1))
            proxy.server(#"{"jsonrpc":"2.0","id":1,"result":\#(answer)}"#)
            let hit = proxy.client(Self.call(2))
            #expect((hit != nil) == !shared, "private results reach one client only (shared: \(shared))")
        }
        let clock = ManualClock()
        let proxy = Proxy(tools: ["greet": .seconds(60), "fresh": nil], clock: clock)
        proxy.client(Self.call(1))
        proxy.server(#"{"jsonrpc":"2.0","id":1,"result":{"content":[],"ttlMs":1500}}"#)
        #expect(proxy.client(Self.call(2)) != nil)
        clock.advance(by: .milliseconds(1600))
        #expect(proxy.client(Self.call(3)) == nil, "ttlMs 1500 caps the 60 s TTL")
        proxy.client(Self.call(4, "fresh"))
        proxy.server(#"{"jsonrpc":"2.0","id":4,"result":{"content":[],"ttlMs":0}}"#)
        #expect(proxy.client(Self.call(5, "fresh")) == nil, "ttlMs 0 is stale at once")
    }

    @Test("the key includes the era: a handshake-era call never gets a 2026-07-28 result")
    func era() throws {
        let proxy = Proxy(tools: ["greet": nil])
        proxy.client(Self.call(1))
        proxy.server(#"{"jsonrpc":"2.0","id":1,"result":{"resultType":"complete","content":[]}}"#)
        #expect(proxy.client(Self.call(2, modern: false)) == nil)
        proxy.server(#"{"jsonrpc":"2.0","id":2,"result":{"content":[]}}"#)
        #expect(
            proxy.client(Self.call(3, modern: false)) == #"{"jsonrpc":"2.0","id":3,"result":{"content":[]}}"# + "\n"
        )
        #expect(proxy.client(Self.call(4))?.contains("resultType") == true)
    }
}
