import Engine
import Foundation
import MetricsClient
import MetricsWire
import Testing

@Suite("FileIDCache")
struct FileIDCacheTests {
    let collector = MetricsCollector()

    static func hash(_ index: Int) -> String {
        String(format: "%064x", index)
    }

    func open(_ path: String, ttl: Duration? = .seconds(100), now: ManualDate = ManualDate()) throws -> FileIDCache {
        try FileIDCache(
            configuration: FileCacheConfiguration(ttl: ttl, path: path),
            collector: collector,
            now: { now.now }
        )
    }

    @Test("stores and finds ids per provider, case-insensitively, and counts hits and misses")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let cache = try open(directory.file("nested/dir/ids.sqlite"))
        try cache.store(fileID: "file-1", sha256: Self.hash(1), provider: "Kimi")
        #expect(try cache.fileID(sha256: Self.hash(1), provider: "KIMI") == "file-1")
        #expect(try cache.fileID(sha256: Self.hash(1).uppercased(), provider: " kimi ") == "file-1")
        #expect(try cache.fileID(sha256: Self.hash(1), provider: "openai") == nil)
        #expect(try cache.fileID(sha256: Self.hash(2), provider: "kimi") == nil)
        let metrics = try #require(collector.snapshot(maxAge: .zero).cacheMetrics["file_cache"])
        #expect(metrics.hits == 2 && metrics.misses == 2 && metrics.entries == 1)
        // WAL mode is on.
        #expect(FileManager.default.fileExists(atPath: directory.file("nested/dir/ids.sqlite-wal")))
    }

    @Test("expired rows are misses and are deleted; a TTL of 0 (nil) never expires")
    func ttl() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let clock = ManualDate()
        let cache = try open(directory.file("ids.sqlite"), ttl: .seconds(100), now: clock)
        try cache.store(fileID: "f", sha256: Self.hash(1), provider: "kimi")
        clock.advance(by: 99)
        #expect(try cache.fileID(sha256: Self.hash(1), provider: "kimi") == "f")
        clock.advance(by: 1)
        #expect(try cache.fileID(sha256: Self.hash(1), provider: "kimi") == nil)
        #expect(try cache.count() == 0)
        #expect(collector.snapshot(maxAge: .zero).cacheMetrics["file_cache"]?.expirations == 1)

        let forever = try open(directory.file("forever.sqlite"), ttl: nil, now: clock)
        try forever.store(fileID: "f", sha256: Self.hash(1), provider: "kimi")
        clock.advance(by: 10 * 365 * 86_400)
        #expect(try forever.fileID(sha256: Self.hash(1), provider: "kimi") == "f")
    }

    @Test("invalidate removes an id the provider no longer knows, under every provider")
    func invalidate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let cache = try open(directory.file("ids.sqlite"))
        try cache.store(fileID: "gone", sha256: Self.hash(1), provider: "kimi")
        try cache.store(fileID: "gone", sha256: Self.hash(2), provider: "kimi")
        try cache.store(fileID: "kept", sha256: Self.hash(3), provider: "kimi")
        #expect(try cache.invalidate(fileID: "gone") == 2)
        #expect(try cache.fileID(sha256: Self.hash(1), provider: "kimi") == nil)
        #expect(try cache.fileID(sha256: Self.hash(3), provider: "kimi") == "kept")
    }

    @Test("a newer upload of the same bytes replaces the old id")
    func replace() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let cache = try open(directory.file("ids.sqlite"))
        try cache.store(fileID: "old", sha256: Self.hash(1), provider: "kimi")
        try cache.store(fileID: "new", sha256: Self.hash(1), provider: "kimi")
        #expect(try cache.fileID(sha256: Self.hash(1), provider: "kimi") == "new")
        #expect(try cache.count() == 1)
    }

    @Test("8 threads × 500 inserts give 4000 rows")
    func threads() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let cache = try open(directory.file("ids.sqlite"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for thread in 0..<8 {
                group.addTask {
                    for index in 0..<500 {
                        try cache.store(
                            fileID: "f-\(thread)-\(index)",
                            sha256: Self.hash(thread * 1000 + index),
                            provider: "kimi"
                        )
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try cache.count() == 4000)
        #expect(try cache.fileID(sha256: Self.hash(7499), provider: "kimi") == "f-7-499")
    }

    @Test("a non-SQLite file at the path is a clear error and is moved aside, never overwritten")
    func notADatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("ids.sqlite")
        let original = Data("{\"items\": {}} this is not sqlite, and it is somebody's data".utf8)
        try original.write(to: URL(fileURLWithPath: path))
        var movedTo = ""
        #expect {
            try open(path)
        } throws: { error in
            guard let error = error as? FileIDCacheError, case .notADatabase(let aside) = error.code else {
                return false
            }
            movedTo = aside
            return error.description.contains(path) && error.description.contains("not a SQLite database")
                && error.description.contains(aside)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: movedTo)) == original)
        // Opening again starts an empty cache at the original path.
        let cache = try open(path)
        #expect(try cache.count() == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: movedTo)) == original)
    }

    @Test("a directory that cannot be created is a clear error naming it and the variable to change")
    func unwritableDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        // A regular file where a directory should be: fails for root too, unlike a chmod.
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory.file("blocker")))
        #expect {
            try open(directory.file("blocker/sub/ids.sqlite"))
        } throws: { error in
            let error = error as! FileIDCacheError
            return error.code == .cannotCreateDirectory && error.description.contains("blocker/sub")
                && error.description.contains("FILE_CACHE_PATH")
        }
    }

    @Test("a read-only location is a clear error")
    func readOnlyLocation() throws {
        // /proc/self exists but no file can be created in it, whoever we are.
        #expect {
            try open("/proc/self/ids.sqlite")
        } throws: { error in
            let error = error as! FileIDCacheError
            return error.code == .cannotOpen && error.description.contains("/proc/self/ids.sqlite")
                && error.description.contains("FILE_CACHE_PATH")
        }
    }

    @Test(
        "bad arguments are refused with a specific message",
        arguments: [
            ("abc", "kimi", "64 hex digits"),
            (String(repeating: "g", count: 64), "kimi", "64 hex digits"),
            (String(format: "%064x", 1), "  ", "provider name"),
        ]
    )
    func badArguments(hash: String, provider: String, message: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let cache = try open(directory.file("ids.sqlite"))
        #expect {
            try cache.store(fileID: "f", sha256: hash, provider: provider)
        } throws: { error in
            let error = error as! FileIDCacheError
            return error.code == .invalidArgument && error.description.contains(message)
        }
    }

    @Test("imports the Python original's JSON once, keeping timestamps and skipping bad entries")
    func legacyImport() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let clock = ManualDate()
        let cache = try open(directory.file("ids.sqlite"), ttl: .seconds(1000), now: clock)
        let now = clock.now.timeIntervalSince1970
        let json = """
            {"items": {
              "\(Self.hash(1))": {"kimi": {"file_id": "f1", "ts": \(now - 10)}, "GLM": {"file_id": "g1", "ts": \(now - 20)}},
              "\(Self.hash(2))": {"kimi": {"file_id": "f2", "ts": \(now - 5000)}},
              "\(Self.hash(3))": {"kimi": {"ts": 1}},
              "not-a-hash": {"kimi": {"file_id": "x", "ts": 1}}
            }}
            """
        let path = directory.file("file_cache.json")
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        let result = try cache.importLegacyJSON(at: path)
        #expect(result.imported == 3 && result.skipped == 2 && !result.alreadyImported)
        #expect(try cache.fileID(sha256: Self.hash(1), provider: "glm") == "g1")
        #expect(try cache.fileID(sha256: Self.hash(1), provider: "kimi") == "f1")
        #expect(try cache.fileID(sha256: Self.hash(2), provider: "kimi") == nil)  // older than the TTL
        #expect(try cache.importLegacyJSON(at: path).alreadyImported)
    }

    @Test(
        "a legacy file that is not the expected JSON is refused naming the problem",
        arguments: [
            ("not json at all", "not valid JSON"),
            ("[1, 2]", "not a JSON object"),
            ("{\"entries\": {}}", "no \"items\" object"),
        ]
    )
    func legacyImportBadFile(content: String, message: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let cache = try open(directory.file("ids.sqlite"))
        let path = directory.file("legacy.json")
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try cache.importLegacyJSON(at: path)
        } throws: { error in
            let error = error as! FileIDCacheError
            return error.code == .legacyImportFailed && error.description.contains(message)
                && error.description.contains(path)
        }
    }
}
