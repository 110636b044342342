import Engine
import MetricsClient
import MetricsWire
import Synchronization
import TestSupport
import Testing

@testable import Engine

@Suite("ResponseCache")
struct ResponseCacheTests {
    let clock = ManualClock()
    let collector = MetricsCollector()

    func makeCache(
        maxEntries: Int = 3,
        maxResponseBytes: Int = 1_048_576,
        maxTotalBytes: Int = 268_435_456,
        ttl: Duration = .seconds(3600)
    ) -> ResponseCache {
        let clock = self.clock
        return ResponseCache(
            configuration: ResponseCacheConfiguration(
                defaultTTL: ttl,
                maxEntries: maxEntries,
                maxResponseBytes: maxResponseBytes,
                maxTotalBytes: maxTotalBytes
            ),
            collector: collector,
            now: { clock.now }
        )
    }

    func key(_ prompt: String) -> ResponseCacheKey { CacheRequest(prompt: prompt, model: "m").key }

    var counters: CacheMetrics { collector.snapshot(maxAge: .zero).cacheMetrics["semantic_cache"]! }

    @Test("a key read just before the cache fills survives; the least recently used goes")
    func lruEviction() {
        let cache = makeCache()
        cache.put("A", for: key("a"))
        cache.put("B", for: key("b"))
        cache.put("C", for: key("c"))
        #expect(cache.value(for: key("a")) == "A")  // a is now the most recently used
        cache.put("D", for: key("d"))
        #expect(cache.value(for: key("a")) == "A")
        #expect(cache.value(for: key("b")) == nil)  // b was least recently used
        #expect(cache.value(for: key("c")) == "C")
        #expect(cache.value(for: key("d")) == "D")
        #expect(counters.evictions == 1)
        #expect(cache.keysByRecency == [key("d"), key("c"), key("a")])
    }

    @Test("overwriting a key in a full cache evicts nothing else")
    func overwrite() {
        let cache = makeCache()
        cache.put("A", for: key("a"))
        cache.put("B", for: key("b"))
        cache.put("C", for: key("c"))
        cache.put("A2", for: key("a"))
        #expect(cache.count == 3)
        #expect(counters.evictions == 0)
        #expect(cache.value(for: key("a")) == "A2")
        #expect(cache.value(for: key("b")) == "B")
    }

    @Test("a TTL override shorter than the default expires first; expired entries stop counting")
    func ttl() {
        let cache = makeCache(maxEntries: 10, ttl: .seconds(60))
        cache.put("long", for: key("long"))
        cache.put("short", for: key("short"), ttl: .seconds(5))
        clock.advance(by: .seconds(6))
        #expect(cache.count == 1)
        #expect(counters.entries == 1)
        #expect(cache.value(for: key("short")) == nil)
        #expect(cache.value(for: key("long")) == "long")
        clock.advance(by: .seconds(60))
        #expect(counters.entries == 0)
        #expect(cache.value(for: key("long")) == nil)
        #expect(counters.expirations == 2)
    }

    @Test("an expired entry met on lookup is a miss and an expiration")
    func lazyExpiry() {
        let cache = makeCache(ttl: .seconds(1))
        cache.put("A", for: key("a"))
        clock.advance(by: .seconds(1))
        #expect(cache.value(for: key("a")) == nil)
        let metrics = counters
        #expect(metrics.expirations == 1 && metrics.misses == 1 && metrics.hits == 0)
    }

    @Test("response size is the stored bytes: a 2 MB body is refused under a 1 MB cap")
    func sizeLimit() {
        let cache = makeCache(maxResponseBytes: 1_048_576)
        let body = String(repeating: "é", count: 1_000_000)  // 2 000 000 UTF-8 bytes, 1 000 000 characters
        #expect(cache.put(body, for: key("big")) == .rejectedTooLarge(bytes: 2_000_000, limit: 1_048_576))
        #expect(cache.value(for: key("big")) == nil)
        #expect(counters.sizeRejections == 1)
        #expect(cache.put(String(repeating: "a", count: 1_048_576), for: key("fits")) == .stored)
        #expect(cache.bytes == 1_048_576)
    }

    @Test("the total byte bound evicts least recently used entries")
    func byteBound() {
        let cache = makeCache(maxEntries: 100, maxResponseBytes: 100, maxTotalBytes: 250)
        cache.put(String(repeating: "a", count: 100), for: key("a"))
        cache.put(String(repeating: "b", count: 100), for: key("b"))
        _ = cache.value(for: key("a"))
        cache.put(String(repeating: "c", count: 100), for: key("c"))
        #expect(cache.bytes == 200)
        #expect(cache.value(for: key("b")) == nil)
        #expect(cache.value(for: key("a")) != nil)
        #expect(counters.bytes == 200 && counters.maxBytes == 250)
    }

    @Test("bypass skips the read but writes; no-store reads but does not write")
    func perCallControl() async throws {
        let cache = makeCache()
        let request = CacheRequest(prompt: "p", model: "m")
        cache.put("old", for: request.key)
        let bypassed = try await cache.response(for: request, options: .init(bypass: true)) { "new" }
        #expect(bypassed.value == "new" && bypassed.source == .computed)
        #expect(cache.value(for: request.key) == "new")

        let other = CacheRequest(prompt: "q", model: "m")
        let unstored = try await cache.response(for: other, options: .init(noStore: true)) { "answer" }
        #expect(unstored.source == .computed)
        #expect(cache.value(for: other.key) == nil)

        let hit = try await cache.response(for: request) { "never" }
        #expect(hit.value == "new" && hit.source == .hit)
    }

    @Test("a TTL override through response(for:) applies to the stored entry")
    func ttlOverride() async throws {
        let cache = makeCache(ttl: .seconds(3600))
        let request = CacheRequest(prompt: "p", model: "m")
        _ = try await cache.response(for: request, options: .init(ttl: .seconds(2))) { "v" }
        clock.advance(by: .seconds(3))
        #expect(cache.value(for: request.key) == nil)
    }

    @Test("concurrent misses for one key share a single computation")
    func coalescing() async throws {
        let cache = makeCache()
        let request = CacheRequest(prompt: "slow", model: "m")
        let calls = Counter()
        let results = await withTaskGroup(of: (String, ResponseSource).self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try! await cache.response(for: request) {
                        calls.increment()
                        try await Task.sleep(for: .milliseconds(200))
                        return "answer"
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(calls.value == 1)
        #expect(results.allSatisfy { $0.0 == "answer" })
        #expect(results.filter { $0.1 == .computed }.count == 1)
        let metrics = counters
        #expect(metrics.coalesced == 19)
        #expect(metrics.hits + (metrics.coalesced ?? 0) + 1 == 20)
    }

    @Test("when the computation fails, every waiter gets the error and nothing is stored")
    func coalescedFailure() async throws {
        struct Upstream: Error {}
        let cache = makeCache()
        let request = CacheRequest(prompt: "fails", model: "m")
        let failures = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    do {
                        _ = try await cache.response(for: request) {
                            try await Task.sleep(for: .milliseconds(100))
                            throw Upstream()
                        }
                        return false
                    } catch {
                        return error is Upstream
                    }
                }
            }
            return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(failures == 5)
        #expect(cache.value(for: request.key) == nil)
        let retried = try await cache.response(for: request) { "ok" }
        #expect(retried.source == .computed)
    }

    @Test("hits and misses are counted under semantic_cache")
    func counting() async throws {
        let cache = makeCache()
        let request = CacheRequest(prompt: "x", model: "m")
        _ = try await cache.response(for: request) { "1" }
        _ = try await cache.response(for: request) { "2" }
        _ = try await cache.response(for: request) { "3" }
        let metrics = counters
        #expect(metrics.hits == 2 && metrics.misses == 1 && metrics.hitRate == 66.67)
        #expect(metrics.entries == 1 && metrics.maxEntries == 3)
    }

    @Test("a disabled cache stores nothing and always computes")
    func disabled() async throws {
        let cache = ResponseCache(configuration: .init(enabled: false), collector: collector)
        #expect(cache.put("v", for: key("k")) == .disabled)
        let result = try await cache.response(for: CacheRequest(prompt: "k", model: "m")) { "fresh" }
        #expect(result.source == .computed)
    }

    @Test("the periodic sweep removes expired entries")
    func sweep() {
        let cache = makeCache(maxEntries: 10, ttl: .seconds(1))
        for index in 0..<5 { cache.put("v", for: key("\(index)")) }
        clock.advance(by: .seconds(2))
        #expect(cache.sweepExpired() == 5)
        #expect(cache.count == 0)
    }
}
