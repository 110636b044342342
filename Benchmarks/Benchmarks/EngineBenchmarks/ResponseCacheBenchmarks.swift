import Benchmark
import Engine
import Foundation

/// Lookups and puts with a 2 KiB prompt; every lookup computes the key (SHA-256 of the request) as callers do.
func responseCacheBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        timeUnits: .nanoseconds,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 2_000
    )

    Benchmark("ResponseCache hit, 2 KiB prompt", configuration: configuration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.cache.value(for: fixture.stored.key))
        }
    } setup: {
        CacheFixture()
    }

    Benchmark("ResponseCache hit, 2 KiB prompt + system prompt", configuration: configuration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.cache.value(for: fixture.withSystemPrompt.key))
        }
    } setup: {
        CacheFixture()
    }

    Benchmark("ResponseCache miss, 2 KiB prompt", configuration: configuration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.cache.value(for: fixture.absent.key))
        }
    } setup: {
        CacheFixture()
    }

    Benchmark("ResponseCache put, 2 KiB prompt, full cache", configuration: configuration) { benchmark, fixture in
        // Puts cycle over 2000 keys in a 1000-entry cache: every put replaces or evicts an entry.
        var next = 0
        for _ in benchmark.scaledIterations {
            fixture.cache.put(fixture.response, for: fixture.keys[next])
            next = next == fixture.keys.count - 1 ? 0 : next + 1
        }
    } setup: {
        CacheFixture()
    }
}

/// A cache with default settings holding 1000 entries of 2 KiB prompts with 1 KiB responses.
struct CacheFixture {
    let cache: ResponseCache
    let stored: CacheRequest
    let withSystemPrompt: CacheRequest
    let absent: CacheRequest
    let keys: [ResponseCacheKey]
    let response = String(repeating: "r", count: 1_024)

    /// With `shared`, the cache has that second level behind it (its puts are written there too).
    init(shared: SharedResponses? = nil) {
        cache = ResponseCache(collector: MetricsCollector(), shared: shared)
        let prompt = String(repeating: "Summarise the attached report in three bullet points. ", count: 38)
        func request(_ index: Int, system: String? = nil) -> CacheRequest {
            CacheRequest(
                prompt: String(prompt.prefix(2_048 - 8)) + String(format: "%08d", index),
                model: "kimi-k2",
                temperature: 0.7,
                systemPrompt: system
            )
        }
        keys = (0..<2_000).map { request($0).key }
        for key in keys.prefix(1_000) { cache.put(response, for: key) }
        stored = request(500)
        withSystemPrompt = request(1, system: "You are a careful assistant.")
        cache.put(response, for: withSystemPrompt.key)
        absent = request(5_000)
        precondition(stored.prompt.utf8.count == 2_048)
        precondition(cache.value(for: stored.key) != nil && cache.value(for: absent.key) == nil)
    }
}
