import Logging
import MetricsWire
import ServiceLifecycle
import Synchronization

/// Settings of the demo workload.
public struct DemoConfiguration: Sendable, Equatable {
    /// Average tool calls started per second (arrivals are a Poisson process).
    public var rate: Double
    /// Most simulated calls in flight; arrivals beyond it wait.
    @Clamped public var maxInFlight: Int
    /// Distinct prompts the calls draw from (Zipf-distributed, so a few are very popular).
    @Clamped public var promptCount: Int
    /// The Zipf exponent of prompt popularity.
    public var zipfExponent: Double
    /// TTL of the demo's cache entries: short enough that popular prompts expire and hit rates stay lively.
    public var cacheTTL: Duration
    /// Multiplies every simulated upstream latency (tests use less than 1 to run faster).
    public var latencyScale: Double

    /// Creates demo settings; every parameter has the documented default.
    public init(
        rate: Double = 20,
        maxInFlight: Int = 128,
        promptCount: Int = 1500,
        zipfExponent: Double = 1.1,
        cacheTTL: Duration = .seconds(30),
        latencyScale: Double = 1
    ) {
        self.rate = rate
        self._maxInFlight = Clamped(wrappedValue: maxInFlight, 1...)
        self._promptCount = Clamped(wrappedValue: promptCount, 1...)
        self.zipfExponent = zipfExponent
        self.cacheTTL = cacheTTL
        self.latencyScale = latencyScale
    }
}

/// Simulated MCP tool calls that go through the real ``ResponseCache`` and are measured by the real
/// ``MetricsCollector``, so the dashboard has live, meaningful numbers without a real model behind it.
///
/// Each call picks a tool by weight and a prompt by Zipf rank, asks the cache, and on a miss "calls
/// upstream": sleeps a log-normal latency and sometimes fails with one of a few error types. The latency
/// recorded is the call's real measured duration.
public final class DemoWorkload: Service, Sendable {
    /// The settings this workload runs with.
    public let configuration: DemoConfiguration
    private let collector: MetricsCollector
    private let cache: ResponseCache
    private let logger: Logger
    private let prompts: ZipfDistribution
    private let active = Atomic<Int>(0)

    private struct UpstreamFailure: Error {
        var type: String
    }

    /// Creates a workload; it starts when ``run()`` is called.
    public init(configuration: DemoConfiguration, collector: MetricsCollector, cache: ResponseCache, logger: Logger) {
        self.configuration = configuration
        self.collector = collector
        self.cache = cache
        self.logger = logger
        self.prompts = ZipfDistribution(count: configuration.promptCount, exponent: configuration.zipfExponent)
    }

    /// Generates calls until graceful shutdown or cancellation.
    public func run() async throws {
        logger.info("demo workload started", metadata: ["rate": "\(configuration.rate)"])
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                var generator = SystemRandomNumberGenerator()
                while !Task.isCancelled {
                    let gap = DemoRandom.exponentialGap(rate: self.configuration.rate, using: &generator)
                    do {
                        try await Task.sleep(for: .microseconds(Int64(gap * 1_000_000)))
                    } catch {
                        break
                    }
                    // At the in-flight limit an arrival is dropped rather than queued, as a saturated
                    // server would shed it.
                    guard self.active.load(ordering: .relaxed) < self.configuration.maxInFlight else { continue }
                    self.active.add(1, ordering: .relaxed)
                    group.addTask {
                        await self.call()
                        self.active.subtract(1, ordering: .relaxed)
                    }
                }
                group.cancelAll()
            }
        }
        logger.info("demo workload stopped")
    }

    /// One simulated tool call, measured end to end.
    func call() async {
        var generator = SystemRandomNumberGenerator()
        let tool = Self.pick(DemoTool.all.map { ($0, $0.weight) }, using: &generator)
        let rank = prompts.sample(using: &generator)
        let request = CacheRequest(
            prompt: "[\(tool.name)] question #\(rank): explain the behaviour of component \(rank % 97) under load",
            model: tool.model,
            temperature: tool.temperature
        )
        let failure: String? =
            Double.random(in: 0..<1, using: &generator) < tool.errorRate
            ? Self.pick(DemoTool.errorTypes.map { ($0.type, $0.weight) }, using: &generator) : nil
        var latencyMs = DemoRandom.logNormal(median: tool.medianMs, sigma: tool.sigma, using: &generator)
        if failure == "timeout" { latencyMs = tool.medianMs * 4 }
        if failure == "invalid_request" || failure == "rate_limited" { latencyMs = min(latencyMs, 40) }
        let upstream = Duration.milliseconds(Int64(latencyMs * configuration.latencyScale))

        let handle = collector.tool(tool.name)
        let clock = ContinuousClock()
        let start = clock.now
        collector.requestStarted()
        defer { collector.requestFinished() }
        do {
            _ = try await cache.response(for: request, options: .init(ttl: configuration.cacheTTL)) {
                try await Task.sleep(for: upstream)
                if let failure { throw UpstreamFailure(type: failure) }
                return "answer to question #\(rank) from \(tool.model)"
            }
            handle.record(latency: clock.now - start, success: true)
        } catch let error as UpstreamFailure {
            handle.record(latency: clock.now - start, success: false, errorType: error.type)
        } catch {
            // Cancelled at shutdown: not a call outcome.
        }
    }

    static func pick<T, G: RandomNumberGenerator>(_ choices: [(T, Double)], using generator: inout G) -> T {
        let total = choices.reduce(0) { $0 + $1.1 }
        var target = Double.random(in: 0..<total, using: &generator)
        for (choice, weight) in choices {
            if target < weight { return choice }
            target -= weight
        }
        return choices[choices.count - 1].0
    }
}
