import AsyncHTTPClient
import Foundation
import MetricsWire

/// Reads a fleet's figures from Prometheus, one round of queries per poll, as one §5 snapshot.
///
/// Each round evaluates every query at the same instant. Tools come from `tools/call` series only;
/// percentiles and call rates come from one query of the bucket rates summed across instances;
/// `total_calls` and the error counts are the instances' counters summed (what the live instances
/// served since they started); the rates, the window percentiles and the instance strip are over the
/// window (``FleetMetrics/windowSeconds``). When Prometheus has ``FleetRecordingRules`` loaded, the
/// heavy queries read the recorded series and the window is the rules' own. Active targets (for scrape
/// intervals and scrape errors) and recording rules are read every 30 s. A failed query fails the
/// round: the last good snapshot stays on screen, marked stale, and the status says what Prometheus
/// answered.
public final class FleetSource: SnapshotSource {
    /// The Prometheus server read.
    public let server: PrometheusServer
    /// The selector as given, normalised to `{…}`; `nil` for none.
    public let selector: String?
    /// The version the snapshots' `engine` section gives (the dashboard's own).
    public let version: String
    private let matchers: String
    /// The jobs of the last round's instances: their scrape intervals set the window.
    private let jobs = Guarded<(jobs: Set<String>, unexplainedDown: Bool)>(([], false))
    private let targets = Guarded<(checkedAt: Double, list: [PrometheusAPI.Target])?>(nil)
    /// Whether recorded series can be read (the selector names no label the rules sum away).
    private let readsRecordingRules: Bool
    private let rules = Guarded<(checkedAt: Double, rules: FleetRecordingRules?)?>(nil)
    /// The answers of the recorded-series queries, and the rule evaluation they come from.
    private let recordedAnswers = Guarded<(evaluation: Double, vectors: [PrometheusAPI.Vector])?>(nil)

    /// Scrape interval assumed when Prometheus does not say (its default).
    static let defaultScrapeInterval = 15.0
    /// How often the targets list is read again, in seconds.
    static let targetsRefresh = 30.0

    /// Creates a source; `selector` is label matchers like `{job="mcp"}` (checked here, and by Prometheus).
    /// The recorded series of ``FleetRecordingRules`` are read whenever Prometheus has them loaded and
    /// the selector can select them.
    public init(server: PrometheusServer, selector: String? = nil, version: String = "") throws(PollError) {
        self.server = server
        self.version = version
        self.matchers = try FleetQueries.matchers(fromSelector: selector)
        self.readsRecordingRules = FleetRecordingRules.canServe(matchers: matchers)
        self.selector = matchers.isEmpty ? nil : "{" + matchers + "}"
    }

    /// The address a poller of this source shows.
    public var target: MetricsTarget {
        MetricsTarget(host: server.host, port: server.port, scheme: server.scheme, path: server.prefix + "/api/v1")
    }

    /// The rate window for `refresh` and the scrape interval: max(refresh + scrape, 4 × scrape), in whole
    /// seconds, so every rate spans at least two scrapes.
    static func window(refresh: Double, scrape: Double) -> Double {
        max(refresh + scrape, 4 * scrape).rounded(.up)
    }

    /// Runs one round of queries at one instant and assembles the fleet's snapshot; the first query that
    /// fails fails the round with what Prometheus answered.
    public func poll(
        using client: HTTPClient,
        configuration: PollerConfiguration,
        interval: Duration
    ) async throws(PollError) -> PolledSnapshot {
        let api = PrometheusAPI(
            server: server,
            fetcher: MetricsFetcher(
                client: client,
                requestTimeout: configuration.requestTimeout,
                maxResponseBytes: configuration.maxResponseBytes,
                bearerToken: configuration.bearerToken
            )
        )
        let now = Date().timeIntervalSince1970
        let known = await currentTargets(api, now: now)
        let ours = jobs.withLock { $0.jobs }
        let scrape =
            known.filter { ours.isEmpty || ours.contains($0.job) }.compactMap(\.scrapeInterval).max()
            ?? Self.defaultScrapeInterval
        let recorded = await currentRules(api, now: now)
        let windowSeconds = recorded?.windowSeconds ?? Self.window(refresh: interval.inSeconds, scrape: scrape)
        let queries = FleetQueries(matchers: matchers, window: "\(Int(windowSeconds))s", rules: recorded)
        // The recorded series change only when the rules are evaluated: read again once a newer
        // evaluation can be read, otherwise the last answers serve.
        let evaluation = recorded?.schedule?.latestReadable(at: now)
        let reused = evaluation.flatMap { evaluation in
            recordedAnswers.withLock { $0?.evaluation == evaluation ? $0?.vectors : nil }
        }
        let heavy = [queries.buckets, queries.counters, queries.instanceRates]
        let texts = (reused == nil ? heavy : []) + [queries.caches, queries.cacheRates, queries.up, queries.gauges]
        let results = await withTaskGroup(of: (Int, Result<PrometheusAPI.Vector, PollError>).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask { (index, await api.result(of: text, at: now)) }
            }
            var results = [Result<PrometheusAPI.Vector, PollError>?](repeating: nil, count: texts.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
        var answered: [PrometheusAPI.Vector] = []
        for result in results {
            switch result {
            case .success(let vector): answered.append(vector)
            case .failure(let error): throw error
            case nil: throw PollError(.network, "a query did not finish")
            }
        }
        if let evaluation, reused == nil {
            recordedAnswers.withLock { $0 = (evaluation, Array(answered.prefix(heavy.count))) }
        }
        let vectors = (reused ?? []) + answered
        var builder = FleetSnapshotBuilder(
            fleet: FleetMetrics(
                prometheus: server.baseURL,
                selector: selector,
                windowSeconds: windowSeconds,
                scrapeIntervalSeconds: scrape,
                queryMs: answered.map { $0.responseTime.inSeconds * 1000 }.max() ?? 0,
                recordingRules: recorded.map { _ in true }
            )
        )
        builder.addTools(buckets: vectors[0], counters: vectors[1])
        builder.addCaches(vectors[3], rates: vectors[4])
        builder.addInstances(
            up: vectors[5],
            gauges: vectors[6],
            rates: vectors[2],
            targets: known,
            onlyJobsWithEngines: matchers.isEmpty
        )
        builder.fleet.warnings = Array(Set(vectors.flatMap(\.warnings))).sorted().prefix(5).map { $0 }
        let snapshot = builder.snapshot(at: now, version: version)
        let instances = builder.fleet.instances
        jobs.withLock {
            $0 = (Set(instances.map(\.job)), instances.contains { !$0.up && $0.lastError == nil })
        }
        return PolledSnapshot(
            decoded: DecodedSnapshot(snapshot: snapshot),
            receivedAt: Date(timeIntervalSince1970: now),
            responseTime: answered.map(\.responseTime).max() ?? .zero,
            byteCount: answered.reduce(0) { $0 + $1.byteCount }
        )
    }

    /// The recording rules a round reads, looked up again every ``targetsRefresh`` seconds; none when
    /// they are not wanted, not all loaded or healthy, or the rules API does not answer.
    private func currentRules(_ api: PrometheusAPI, now: Double) async -> FleetRecordingRules? {
        guard readsRecordingRules else { return nil }
        if let cached = rules.withLock({ $0 }), now - cached.checkedAt < Self.targetsRefresh { return cached.rules }
        let found = (try? await api.recordingRules()).flatMap(FleetRecordingRules.loaded)
        rules.withLock { $0 = (now, found) }
        return found
    }

    /// The active targets, read again every ``targetsRefresh`` seconds; the last list (or none) when
    /// reading fails, since the queries say on their own whether Prometheus answers.
    private func currentTargets(_ api: PrometheusAPI, now: Double) async -> [PrometheusAPI.Target] {
        // Sooner while an instance is down without a reason yet: its scrape error is what a user wants.
        let unexplained = jobs.withLock { $0.unexplainedDown }
        if let cached = targets.withLock({ $0 }), now - cached.checkedAt < (unexplained ? 2 : Self.targetsRefresh) {
            return cached.list
        }
        guard let list = try? await api.targets() else { return targets.withLock { $0?.list ?? [] } }
        targets.withLock { $0 = (now, list) }
        return list
    }
}
