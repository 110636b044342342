import Engine
import Foundation
import Logging
import MCPProxy
import MetricsWire
import TestSupport
import Testing

/// The caches shared through a real PostgreSQL (`scripts/postgres.sh`): each "replica" here has its own
/// collector, local cache and store connection, as two processes would.
@Suite("Shared caches on PostgreSQL")
struct SharedStoreTests {
    static let logger = Logger(label: "shared-store-test")

    /// A replica's view of the store: its own connection, run until the test ends.
    final class Replica: Sendable {
        let store: SharedStore
        let collector = MetricsCollector()
        let task: Task<Void, Never>

        /// A replica whose store gives up after `timeout`: generous by default, as the whole suite shares two
        /// cores with these servers (the 50 ms default is the slow-store test's own).
        init(_ url: String, timeout: Duration = .seconds(5)) throws {
            store = SharedStore(
                url: try SharedStoreURL(url),
                timeout: timeout,
                healthSignal: collector.healthSignal,
                logger: SharedStoreTests.logger
            )
            let store = self.store
            task = Task { await store.run() }
        }

        /// Waits for the connection (a loaded machine may need more than the first attempt).
        func ready() async throws {
            let store = self.store
            try await SharedStoreTests.waitUntil(timeout: .seconds(60)) { store.status == .ready }
        }

        func fileCache(_ directory: String, now: @escaping @Sendable () -> Date = { Date() }) throws -> FileIDCache {
            try FileIDCache(
                configuration: FileCacheConfiguration(path: directory + "/ids-\(UUID().uuidString).sqlite"),
                collector: collector,
                shared: SharedFileIDs(store: store),
                now: now
            )
        }

        func responses(maxEntries: Int = 100_000) -> ResponseCache {
            ResponseCache(collector: collector, shared: SharedResponses(store: store, maxEntries: maxEntries))
        }

        var fileMetrics: CacheMetrics? { collector.snapshot(maxAge: .zero).cacheMetrics[FileIDCache.metricsName] }
        var responseMetrics: CacheMetrics? {
            collector.snapshot(maxAge: .zero).cacheMetrics[ResponseCache.metricsName]
        }

        deinit { task.cancel() }
    }

    /// Runs `body` with a database of its own on the shared server, or (`ownServer`, for a test that stops
    /// it) a server of its own.
    static func withServer(ownServer: Bool = false, _ body: (PostgresServer) async throws -> Void) async throws {
        let server = ownServer ? try await PostgresServer() : try await PostgresServer.sharedDatabase()
        do {
            try await body(server)
        } catch {
            await server.destroy()
            throw error
        }
        await server.destroy()
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "shared-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let hash = String(repeating: "ab", count: 32)

    @Test("a file one replica uploaded is cached for the other; the hit is copied locally and counted apart")
    func fileIDsShared() async throws {
        try await Self.withServer { server in
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let first = try Replica(server.url)
            let second = try Replica(server.url)
            try await first.ready()
            try await second.ready()
            let cacheA = try first.fileCache(directory)
            let cacheB = try second.fileCache(directory)
            #expect(try await cacheB.lookup(sha256: Self.hash, provider: "api.example.com") == nil)
            try await cacheA.remember(fileID: "file-1", sha256: Self.hash, provider: "API.example.com")
            #expect(try await cacheB.lookup(sha256: Self.hash, provider: "api.example.com") == "file-1")
            // Copied into B's own file: found there without the store.
            #expect(try cacheB.fileID(sha256: Self.hash, provider: "api.example.com") == "file-1")
            // Another provider is another file.
            #expect(try await cacheB.lookup(sha256: Self.hash, provider: "other.example.com") == nil)
            let metrics = try #require(second.fileMetrics)
            #expect(metrics.hits == 2 && metrics.misses == 2, "\(metrics)")
            #expect(metrics.sharedHits == 1 && metrics.sharedLookups == 3, "\(metrics)")
            #expect(metrics.store == "postgres 127.0.0.1/\(server.database)" && metrics.storeState == "ready")
            // A row keeps its age when copied: stored 86 000 s ago with a 86 400 s TTL, it expires for B 400 s on.
            let old = String(repeating: "ef", count: 32)
            let uploadedEarlier = try first.fileCache(directory, now: { Date().addingTimeInterval(-86_000) })
            try await uploadedEarlier.remember(fileID: "file-old", sha256: old, provider: "p")
            let later = Guarded(Date())
            let cacheC = try second.fileCache(directory, now: { later.withLock { $0 } })
            #expect(try await cacheC.lookup(sha256: old, provider: "p") == "file-old")
            later.withLock { $0 = $0.addingTimeInterval(500) }
            #expect(try cacheC.fileID(sha256: old, provider: "p") == nil, "the local copy expired with the row")
            #expect(try await cacheC.lookup(sha256: old, provider: "p") == nil, "and the row is expired too")
            #expect(try await server.psql("SELECT count(*) FROM dashboard_file_ids WHERE file_id = 'file-old'") == "0")
            // Forgotten by one, gone for both.
            try await cacheA.forget(fileID: "file-1")
            #expect(try await server.psql("SELECT count(*) FROM dashboard_file_ids") == "0")
        }
    }

    @Test("a result cached by one replica answers the other from the second level, then from its own first")
    func responsesShared() async throws {
        try await Self.withServer { server in
            let first = try Replica(server.url)
            let second = try Replica(server.url)
            try await first.ready()
            try await second.ready()
            let cacheA = first.responses()
            let cacheB = second.responses()
            let request = CacheRequest(prompt: "what is 2+2", model: "m")
            #expect(cacheB.value(for: request.key) == nil)
            #expect(await cacheB.sharedValue(for: request.key) == nil)
            cacheA.put("four", for: request.key, ttl: .seconds(60))
            try await Self.waitForWrites(cacheA)
            #expect(cacheB.value(for: request.key) == nil)
            #expect(await cacheB.sharedValue(for: request.key) == "four")
            #expect(cacheB.value(for: request.key) == "four")
            let metrics = try #require(second.responseMetrics)
            #expect(metrics.hits == 2 && metrics.misses == 1 && metrics.sharedHits == 1 && metrics.sharedLookups == 2)
            #expect(metrics.localHitRate == 33.33 || metrics.localHitRate == 33.3, "\(metrics.localHitRate)")
            // The engine's own path: a miss here, a hit there, no computing.
            let other = CacheRequest(prompt: "capital of France", model: "m")
            cacheA.put("Paris", for: other.key, ttl: .seconds(60))
            try await Self.waitForWrites(cacheA)
            let (value, source) = try await cacheB.response(for: other) {
                Issue.record("computed")
                return "?"
            }
            #expect(value == "Paris" && source == .hit)
            // A value the server refuses (text cannot hold U+0000) fails that write alone: the store stays ready.
            cacheA.put("nul \u{0} here", for: CacheRequest(prompt: "nul", model: "m").key, ttl: .seconds(60))
            try await Self.waitForWrites(cacheA)
            #expect(first.store.status == .ready && first.store.failures == 1, "\(first.store.status)")
            // An expired row is not served.
            let stale = CacheRequest(prompt: "stale", model: "m")
            cacheA.put("old", for: stale.key, ttl: .milliseconds(1))
            try await Self.waitForWrites(cacheA)
            try await Task.sleep(for: .milliseconds(20))
            #expect(await cacheB.sharedValue(for: stale.key) == nil)
        }
    }

    @Test("a proxy's result is shared with the other replica; a cacheScope private one never leaves its proxy")
    func privateResultsStay() async throws {
        try await Self.withServer { server in
            let first = try Replica(server.url)
            let second = try Replica(server.url)
            try await first.ready()
            try await second.ready()
            func observer(_ replica: Replica, _ cache: ResponseCache) -> ProxyObserver {
                ProxyObserver(
                    collector: replica.collector,
                    server: MCPServerStatus(name: "crm", executable: "crm", running: true),
                    cache: ProxyResultCache(cache: cache, serverName: "crm", tools: ["profile": nil, "count": nil])
                )
            }
            let cacheA = first.responses()
            let cacheB = second.responses()
            let proxyA = observer(first, cacheA)
            let proxyB = observer(second, cacheB)
            // On a thread of their own: the stdio relay's thread waits for the store.
            func client(_ proxy: ProxyObserver, _ line: String) async throws -> String? {
                try await offThePool {
                    Array(line.utf8).withUnsafeBufferPointer { proxy.clientLine($0, at: .now) }
                        .map { String(decoding: $0, as: UTF8.self) }
                }
            }
            func call(_ id: Int, _ tool: String) -> String {
                #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":{}}}"#
            }
            #expect(try await client(proxyA, call(1, "profile")) == nil)
            Array(#"{"jsonrpc":"2.0","id":1,"result":{"content":[],"cacheScope":"private"}}"#.utf8)
                .withUnsafeBufferPointer { proxyA.serverLine($0, at: .now) }
            #expect(try await client(proxyA, call(2, "count")) == nil)
            Array(#"{"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"7"}]}}"#.utf8)
                .withUnsafeBufferPointer { proxyA.serverLine($0, at: .now) }
            try await Self.waitForWrites(cacheA)
            #expect(try await client(proxyA, call(3, "profile")) != nil, "its own client gets it again")
            #expect(try await server.psql("SELECT count(*) FROM dashboard_responses") == "1")
            #expect(try await client(proxyB, call(4, "profile")) == nil, "another replica's client never does")
            let answer = try await client(proxyB, call(5, "count"))
            #expect(answer == #"{"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"7"}]}}"# + "\n")
            #expect(second.responseMetrics?.sharedHits == 1)
        }
    }

    @Test("replicas starting at once against an empty database all succeed; the schema is made once")
    func concurrentFirstStart() async throws {
        try await Self.withServer { server in
            let replicas = try (0..<8).map { _ in try Replica(server.url) }
            for replica in replicas { try await replica.ready() }
            #expect(try await server.psql("SELECT count(*), max(version) FROM dashboard_schema") == "1|1")
            #expect(try await server.psql("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'dashboard_%'") == "3")
        }
    }

    @Test("a schema newer than this build knows is refused, not written")
    func newerSchema() async throws {
        try await Self.withServer { server in
            try await server.psql(
                "CREATE TABLE dashboard_schema (version integer NOT NULL); INSERT INTO dashboard_schema VALUES (99)"
            )
            let replica = try Replica(server.url)
            await replica.store.settled(within: .seconds(30))
            guard case .unreachable(let reason) = replica.store.status else {
                Issue.record("\(replica.store.status)")
                return
            }
            #expect(reason.contains("version 99, newer than this dashboard knows (1)"), "\(reason)")
        }
    }

    @Test("the store stopped mid-run: lookups miss at once and /health says so; restarted: reconnected, rows kept")
    func stoppedAndRestarted() async throws {
        try await Self.withServer(ownServer: true) { server in
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let replica = try Replica(server.url, timeout: .seconds(1))
            try await replica.ready()
            let cache = try replica.fileCache(directory)
            try await cache.remember(fileID: "file-kept", sha256: Self.hash, provider: "p")
            try await server.stop()
            let other = String(repeating: "cd", count: 32)
            let clock = ContinuousClock()
            let started = clock.now
            // The first lookup meets the closed connection; the ones after it do not wait for the store.
            // (A deadline of 1 s: short enough to see, long enough for a loaded machine's writes before.)
            #expect(try await cache.lookup(sha256: other, provider: "p") == nil)
            #expect(try await cache.lookup(sha256: other, provider: "p") == nil)
            // At most one deadline: a query sent just as the server went away may wait for it; none after.
            #expect(clock.now - started < .seconds(3))
            guard case .unreachable = replica.store.status else {
                Issue.record("still \(replica.store.status)")
                return
            }
            let health = await replica.store.healthCheck(name: "shared_store").run()
            #expect(!health.ok && health.detail.contains("shared store unreachable"), "\(health.detail)")
            #expect(!health.detail.contains(server.password))
            // An upload goes on without the store: remembered locally.
            try await cache.remember(fileID: "file-local", sha256: other, provider: "p")
            #expect(try cache.fileID(sha256: other, provider: "p") == "file-local")
            try await server.restart()
            try await Self.waitUntil { replica.store.status == .ready }
            let back = await replica.store.healthCheck(name: "shared_store").run()
            #expect(back.ok, "\(back.detail)")
            // The row written before the stop is still there; the one written while down was not shared.
            let fresh = try Replica(server.url)
            try await fresh.ready()
            let freshCache = try fresh.fileCache(directory)
            #expect(try await freshCache.lookup(sha256: Self.hash, provider: "p") == "file-kept")
            #expect(try await freshCache.lookup(sha256: other, provider: "p") == nil)
        }
    }

    @Test("a wrong password: a clear reason, the local cache answers, the password appears nowhere")
    func wrongPassword() async throws {
        try await Self.withServer { server in
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let replica = try Replica(server.urlWithWrongPassword)
            await replica.store.settled(within: .seconds(30))
            guard case .unreachable(let reason) = replica.store.status else {
                Issue.record("\(replica.store.status)")
                return
            }
            #expect(reason.contains("password authentication failed for user \"dash\""), "\(reason)")
            let cache = try replica.fileCache(directory)
            try await cache.remember(fileID: "file-9", sha256: Self.hash, provider: "p")
            #expect(try await cache.lookup(sha256: Self.hash, provider: "p") == "file-9")
            let metrics = try #require(replica.fileMetrics)
            #expect(metrics.storeState == "unreachable")
            let shown = [
                reason, replica.store.url.description, metrics.lastFailure ?? "",
                String(decoding: try replica.collector.snapshot(maxAge: .zero).encodedJSON(), as: UTF8.self),
            ]
            for text in shown { #expect(!text.contains("wrong-"), "\(text)") }
            #expect(replica.store.url.description == "postgres://dash@127.0.0.1:\(server.port)/\(server.database)")
        }
    }

    @Test("a store slower than the timeout: the lookup gives up at the deadline, and it is ready again after")
    func slowerThanTimeout() async throws {
        try await Self.withServer { server in
            let replica = try Replica(server.url, timeout: .milliseconds(50))
            try await replica.ready()
            let cache = replica.responses()
            let request = CacheRequest(prompt: "slow", model: "m")
            // Another session holds the table locked: the lookup waits on the server, as on a slow one.
            let holder = Task {
                try await server.psql(
                    "BEGIN; LOCK TABLE dashboard_responses IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(2); COMMIT"
                )
            }
            try await Self.waitUntil(timeout: .seconds(10)) {
                (try? await server.psql(
                    "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND relation = 'dashboard_responses'::regclass"
                )) == "1"
            }
            let clock = ContinuousClock()
            let started = clock.now
            #expect(await cache.sharedValue(for: request.key) == nil)
            let took = clock.now - started
            #expect(took >= .milliseconds(45) && took < .milliseconds(1000), "\(took)")
            #expect(replica.store.timeouts == 1)
            guard case .unreachable(let reason) = replica.store.status else {
                Issue.record("\(replica.store.status)")
                return
            }
            #expect(reason.contains("took longer than 50 ms"), "\(reason)")
            _ = try await holder.value
            try await Self.waitUntil { replica.store.status == .ready }
        }
    }

    @Test("the sweep bounds the second level in rows and drops expired rows")
    func sweepBounds() async throws {
        try await Self.withServer { server in
            let replica = try Replica(server.url)
            try await replica.ready()
            let shared = SharedResponses(store: replica.store, maxEntries: 5, maxBytes: 1 << 20)
            let cache = ResponseCache(collector: replica.collector, shared: shared)
            for index in 0..<12 {
                cache.put("value \(index)", for: CacheRequest(prompt: "p\(index)", model: "m").key, ttl: .seconds(60))
                try await Self.waitForWrites(cache)
            }
            cache.put("short", for: CacheRequest(prompt: "short", model: "m").key, ttl: .milliseconds(1))
            try await Self.waitForWrites(cache)
            try await Task.sleep(for: .milliseconds(10))
            #expect(await shared.sweep(now: Date().timeIntervalSince1970))
            let size = try #require(await shared.size())
            #expect(size.entries == 5, "\(size)")
            // The newest five were kept.
            #expect(
                try await server.psql("SELECT string_agg(value, ',' ORDER BY value) FROM dashboard_responses")
                    == "value 10,value 11,value 7,value 8,value 9"
            )
            let bytes = SharedResponses(store: replica.store, maxEntries: 100, maxBytes: 20)
            #expect(await bytes.sweep(now: Date().timeIntervalSince1970))
            #expect(try #require(await bytes.size()).bytes <= 20)
        }
    }

    @Test("URLs: parsed, shown without the password, bad ones refused without repeating them")
    func urls() throws {
        let url = try SharedStoreURL("postgresql://dash:p%40ss@db.internal:6543/cache?sslmode=require")
        #expect(url.password == "p@ss" && url.host == "db.internal" && url.port == 6543 && url.database == "cache")
        #expect(url.tls == .require && url.description == "postgres://dash@db.internal:6543/cache")
        #expect(try SharedStoreURL("postgres://u@h").database == "u")
        #expect(try SharedStoreURL("postgres://u:x@h").port == 5432)
        let bad = [
            ("mysql://u:secretpw@h/db", "scheme mysql"),
            ("postgres://:secretpw@h/db", "names no user"),
            ("postgres://u:secretpw@/db", "names no host"),
            ("postgres://u:secretpw@h/db?sslmode=maybe", "sslmode=maybe"),
            ("postgres://u:secretpw@h/db?application_name=x", "application_name"),
            ("not a url at all secretpw", "URL"),
        ]
        for (text, says) in bad {
            do {
                _ = try SharedStoreURL(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description.contains(says), "\(error)")
                #expect(!error.description.contains("secretpw"))
            }
        }
        let environment = ["SEMANTIC_CACHE_URL": "postgres://u:secretpw@h/db?sslmode=maybe"]
        #expect(throws: ConfigurationError.self) { try EnvironmentReader(environment: environment).shared() }
        do {
            _ = try EnvironmentReader(environment: environment).shared()
        } catch {
            #expect(!error.description.contains("secretpw") && error.description.contains("SEMANTIC_CACHE_URL"))
        }
    }

    static func waitForWrites(_ cache: ResponseCache) async throws {
        try await waitUntil { cache.pendingSharedWrites == 0 }
    }

    static func waitUntil(
        timeout: Duration = .seconds(30),
        sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () async -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !(await condition()) {
            guard clock.now < deadline else {
                Issue.record("condition not met within \(timeout)", sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
