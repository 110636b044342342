import Crypto
import Engine
import Foundation
import TestSupport
import Testing

@Suite("ParallelUploader against the sandbox Files API")
struct ParallelUploaderTests {
    static func sha256(_ path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined()
    }

    @Test(
        "12 files, 200 ms latency, 3 in flight: never more than 3 at the server, input order, right bytes; again: all cached"
    )
    func parallelBatch() async throws {
        try await UploadFixture.with(sandbox: SandboxConfiguration(latency: .milliseconds(200))) { fixture in
            let paths = try (0..<12).map { try fixture.makeFile("doc-\($0).txt", size: 20_000 + $0 * 1000, seed: $0) }
            let uploader = fixture.uploader()
            let results = await uploader.upload(paths)
            #expect(results.map(\.index) == Array(0..<12))
            #expect(results.map(\.path) == paths)
            #expect(results.allSatisfy { $0.state == .done }, "\(results.map { $0.reason ?? "" })")
            let stats = fixture.sandbox.stats
            #expect(stats.maxConcurrentUploads <= 3)
            #expect(stats.maxConcurrentUploads == 3)
            #expect(stats.uploadsStored == 12)
            // What the server stored is what was on disk, under the right name and purpose.
            let stored = Dictionary(uniqueKeysWithValues: fixture.sandbox.files.map { ($0.id, $0) })
            for (path, result) in zip(paths, results) {
                let file = try #require(stored[result.fileID ?? ""])
                #expect(file.sha256 == (try Self.sha256(path)) && file.sha256 == result.sha256)
                #expect(file.filename == (path as NSString).lastPathComponent)
                #expect(file.purpose == "file-extract")
                #expect(result.contentCharacters == file.bytes)
            }
            let metrics = try #require(fixture.collector.snapshot(maxAge: .zero).uploadMetrics)
            #expect(metrics.completed == 12 && metrics.failed == 0 && metrics.maxParallel == 3)
            #expect(
                metrics.bytesSent
                    == paths.reduce(0) { $0 + ((try? Data(contentsOf: URL(fileURLWithPath: $1)).count) ?? 0) }
            )
            #expect(fixture.collector.toolMetrics("file_upload")?.totalCalls == 12)

            let again = await uploader.upload(paths)
            #expect(again.allSatisfy { $0.state == .cached })
            #expect(again.map(\.fileID) == results.map(\.fileID))
            #expect(fixture.sandbox.stats.uploadsStarted == 12)
            #expect(fixture.collector.snapshot(maxAge: .zero).cacheMetrics["file_cache"]?.hits == 12)
        }
    }

    @Test("KIMI_FILES_PARALLEL_UPLOADS=false means one at a time")
    func sequential() async throws {
        try await UploadFixture.with(sandbox: SandboxConfiguration(latency: .milliseconds(50))) { fixture in
            var configuration = UploadFixture.fast
            configuration.parallelUploads = false
            let paths = try (0..<4).map { try fixture.makeFile("s\($0).txt", size: 1000, seed: $0) }
            let results = await fixture.uploader(configuration).upload(paths)
            #expect(results.allSatisfy { $0.state == .done })
            #expect(fixture.sandbox.stats.maxConcurrentUploads == 1)
        }
    }

    @Test("429 with Retry-After, then success: the wait is honoured and the file is done")
    func rateLimited() async throws {
        try await UploadFixture.with { fixture in
            fixture.sandbox.inject([.status(429, retryAfter: 1)], for: .upload)
            let path = try fixture.makeFile("a.txt", size: 5000)
            let clock = ContinuousClock()
            let start = clock.now
            let result = try #require(await fixture.uploader().upload([path]).first)
            #expect(result.state == .done)
            #expect(clock.now - start >= .seconds(1))
            #expect(fixture.sandbox.stats.uploadsStarted == 2)
        }
    }

    @Test("500 twice, then success")
    func serverErrors() async throws {
        try await UploadFixture.with { fixture in
            fixture.sandbox.inject([.status(500), .status(503)], for: .upload)
            let path = try fixture.makeFile("a.txt", size: 5000)
            let result = try #require(await fixture.uploader().upload([path]).first)
            #expect(result.state == .done)
            #expect(fixture.sandbox.stats.uploadsStarted == 3)
        }
    }

    @Test("a connection dropped mid-body is retried and the file arrives whole")
    func droppedConnection() async throws {
        try await UploadFixture.with { fixture in
            fixture.sandbox.inject([.dropConnection(afterBytes: 300_000)], for: .upload)
            let path = try fixture.makeFile("big.txt", size: 2_000_000)
            // The sandbox of a debug build parses about 1 MB/s, slower when the machine is busy: a timeout
            // under a minute could fire while the retry is still being stored, and store it twice.
            var configuration = UploadFixture.fast
            configuration.uploadTimeout = .seconds(60)
            let result = try #require(await fixture.uploader(configuration).upload([path]).first)
            #expect(result.state == .done, "\(result.reason ?? "")")
            #expect(fixture.sandbox.files.first?.sha256 == (try Self.sha256(path)))
            #expect(fixture.sandbox.files.count == 1)
        }
    }

    @Test("a server that never answers: the timeout fires at the configured time and the batch goes on")
    func hangingServer() async throws {
        try await UploadFixture.with { fixture in
            fixture.sandbox.inject([.hang], for: .upload)
            var configuration = UploadFixture.fast
            // Long enough that the healthy uploads finish well inside it even on a busy machine.
            configuration.uploadTimeout = .seconds(3)
            configuration.uploadRetry.maxRetries = 0
            configuration.maxParallel = 1
            let paths = try (0..<3).map { try fixture.makeFile("h\($0).txt", size: 1000, seed: $0) }
            let clock = ContinuousClock()
            let start = clock.now
            let results = await fixture.uploader(configuration).upload(paths)
            let elapsed = clock.now - start
            #expect(results[0].state == .failed)
            #expect(results[0].reason?.contains("timed out after 3 s") == true, "\(results[0].reason ?? "")")
            #expect(results[1].state == .done && results[2].state == .done)
            // Without the timeout the batch would wait forever; the upper bound leaves room for a busy machine.
            #expect(elapsed >= .seconds(3) && elapsed < timeBound(.seconds(25)))
            #expect(fixture.collector.toolMetrics("file_upload")?.errorTypes == ["timeout": 1])
        }
    }

    @Test("404 on fetching a cached id: the id is forgotten and the file uploaded again, once")
    func lostCachedID() async throws {
        try await UploadFixture.with { fixture in
            let path = try fixture.makeFile("a.txt", size: 5000)
            let uploader = fixture.uploader()
            let first = try #require(await uploader.upload([path]).first)
            #expect(first.state == .done)
            fixture.sandbox.inject([.status(404)], for: .content)
            let second = try #require(await uploader.upload([path]).first)
            #expect(second.state == .done)
            #expect(second.fileID != first.fileID)
            #expect(fixture.sandbox.stats.uploadsStarted == 2)
            let cached = try fixture.fileCache.fileID(sha256: second.sha256!, provider: fixture.client.providerName)
            #expect(cached == second.fileID)
        }
    }

    @Test("a 4xx other than 429 is not retried, and its message reaches the result")
    func clientError() async throws {
        try await UploadFixture.with { fixture in
            fixture.sandbox.inject([.status(400)], for: .upload)
            let path = try fixture.makeFile("a.txt", size: 100)
            let result = try #require(await fixture.uploader().upload([path]).first)
            #expect(result.state == .failed)
            #expect(
                result.reason?.contains("HTTP 400") == true && result.reason?.contains("injected failure 400") == true
            )
            #expect(result.reason?.contains("a.txt") == true)
            #expect(fixture.sandbox.stats.uploadsStarted == 1)
        }
    }

    @Test("a provider answering HTML or an empty body gets a message naming the file and the problem")
    func badProviderAnswers() async throws {
        try await UploadFixture.with { fixture in
            fixture.sandbox.inject(
                [
                    .raw(status: 200, contentType: "text/html", body: "<html><body>Welcome to nginx</body></html>"),
                    .raw(status: 200, contentType: "application/json", body: ""),
                ],
                for: .upload
            )
            let paths = try [
                fixture.makeFile("html.txt", size: 100, seed: 1), fixture.makeFile("empty.txt", size: 100, seed: 2),
            ]
            var configuration = UploadFixture.fast
            configuration.maxParallel = 1
            let results = await fixture.uploader(configuration).upload(paths)
            #expect(results[0].state == .failed && results[0].reason?.contains("HTML") == true)
            #expect(results[0].reason?.contains("html.txt") == true)
            #expect(results[1].state == .failed && results[1].reason?.contains("empty body") == true)
        }
    }

    @Test("a sandbox that drops every upload's connection: each file is tried 1 + retries times, then fails naming it")
    func dropRate() async throws {
        try await UploadFixture.with(sandbox: SandboxConfiguration(latency: .milliseconds(5), dropRate: 1)) { fixture in
            let paths = try [
                fixture.makeFile("a.txt", size: 50_000, seed: 1), fixture.makeFile("b.txt", size: 50_000, seed: 2),
            ]
            let results = await fixture.uploader().upload(paths)
            #expect(results.allSatisfy { $0.state == .failed })
            #expect(
                results.allSatisfy { $0.reason?.contains("closed the connection before answering") == true },
                "\(results.map(\.reason))"
            )
            #expect(fixture.sandbox.stats.uploadsStarted == 2 * (1 + UploadFixture.fast.uploadRetry.maxRetries))
            #expect(fixture.sandbox.stats.uploadsStored == 0)
        }
    }

    @Test("the API key goes in the Authorization header only, never in a result")
    func keyNotLeaked() async throws {
        try await UploadFixture.with { fixture in
            fixture.sandbox.inject([.status(401)], for: .upload)
            let path = try fixture.makeFile("a.txt", size: 100)
            let result = try #require(await fixture.uploader().upload([path]).first)
            let encoded = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
            #expect(!encoded.contains("sk-test-secret"))
            let snapshot = String(
                decoding: try JSONEncoder().encode(fixture.collector.snapshot(maxAge: .zero)),
                as: UTF8.self
            )
            #expect(!snapshot.contains("sk-test-secret"))
        }
    }

    @Test("an invalid base URL is refused with a message saying what is expected")
    func invalidBaseURL() {
        for url in ["", "ftp://x/v1", "not a url", "http://"] {
            #expect {
                try FilesAPIClient(baseURL: url, apiKey: nil)
            } throws: { error in
                "\(error)".contains("expected http(s)://")
            }
        }
    }

    @Test("cancelling a batch cancels its uploads; every file ends in a definite state")
    func cancellation() async throws {
        try await UploadFixture.with(
            sandbox: SandboxConfiguration(latency: .milliseconds(5), bandwidth: 200_000)
        ) { fixture in
            let paths = try (0..<4).map { try fixture.makeFile("c\($0).txt", size: 1_000_000, seed: $0) }
            let uploader = fixture.uploader()
            let batch = Task { await uploader.upload(paths) }
            try await Task.sleep(for: .milliseconds(500))
            batch.cancel()
            let clock = ContinuousClock()
            let start = clock.now
            let results = await batch.value
            // Cancelled uploads stop at once; without cancellation these 1 MB files at 200 kB/s take 20 s.
            #expect(clock.now - start < timeBound(.seconds(10)))
            #expect(results.count == 4 && results.allSatisfy { $0.state.isFinal })
            #expect(results.contains { $0.state == .failed })
        }
    }
}
