import Engine
import Foundation
import MetricsClient
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
}
