import Engine
import Foundation
import MetricsClient
import MetricsWire
import Testing

@Suite("ParallelUploader bad input")
struct UploaderBadInputTests {
    @Test("missing, directory, zero-byte, symlink loop, broken link and unreadable files each get a specific reason")
    func invalidFiles() async throws {
        try await UploadFixture.with { fixture in
            let directory = fixture.directory
            try FileManager.default.createDirectory(atPath: directory.file("adir"), withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: directory.file("zero.txt"), contents: Data())
            try FileManager.default.createSymbolicLink(
                atPath: directory.file("loop-a"),
                withDestinationPath: directory.file("loop-b")
            )
            try FileManager.default.createSymbolicLink(
                atPath: directory.file("loop-b"),
                withDestinationPath: directory.file("loop-a")
            )
            try FileManager.default.createSymbolicLink(
                atPath: directory.file("dangling"),
                withDestinationPath: directory.file("nowhere")
            )
            let good = try fixture.makeFile("good.txt", size: 100)
            var unreadable = directory.file("secret.txt")
            if getuid() == 0 {
                // Root reads any file; a write-only sysctl is one it cannot.
                unreadable = "/proc/sys/vm/drop_caches"
            } else {
                FileManager.default.createFile(
                    atPath: unreadable,
                    contents: Data("x".utf8),
                    attributes: [.posixPermissions: 0]
                )
            }
            let paths = [
                directory.file("missing.txt"), directory.file("adir"), directory.file("zero.txt"),
                directory.file("loop-a"),
                directory.file("dangling"), unreadable, good,
            ]
            let results = await fixture.uploader().upload(paths)
            let expected: [(UploadState, String)] = [
                (.failed, "no such file"), (.failed, "is a directory"), (.skipped, "empty file (0 bytes)"),
                (.failed, "symbolic link loop"), (.failed, "broken symbolic link"), (.failed, "permission denied"),
                (.done, ""),
            ]
            for (index, (state, reason)) in expected.enumerated() {
                #expect(results[index].state == state, "\(paths[index]): \(results[index].state)")
                #expect(results[index].reason?.contains(reason) ?? reason.isEmpty, "\(results[index].reason ?? "")")
                if !reason.isEmpty { #expect(results[index].reason?.contains(paths[index]) == true) }
            }
            #expect(fixture.sandbox.stats.uploadsStarted == 1)
        }
    }

    @Test("a file over the size cap is skipped or failed as KIMI_FILES_BEHAVIOR_ON_OVERSIZE says")
    func oversize() async throws {
        try await UploadFixture.with { fixture in
            let big = try fixture.makeFile("big.txt", size: 2 * 1_048_576 + 1)
            for behavior in OversizeBehavior.allCases {
                var configuration = UploadFixture.fast
                configuration.maxFileBytes = 2 * 1_048_576
                configuration.oversizeBehavior = behavior
                let result = try #require(await fixture.uploader(configuration).upload([big]).first)
                #expect(result.state == (behavior == .skip ? .skipped : .failed))
                #expect(result.reason?.contains("over KIMI_FILES_MAX_SIZE_MB=2") == true)
            }
            #expect(fixture.sandbox.stats.uploadsStarted == 0)
        }
    }

    @Test("files beyond KIMI_FILES_MAX_COUNT are skipped, naming the cap")
    func countCap() async throws {
        try await UploadFixture.with { fixture in
            var configuration = UploadFixture.fast
            configuration.maxCount = 2
            let paths = try (0..<4).map { try fixture.makeFile("n\($0).txt", size: 100, seed: $0) }
            let results = await fixture.uploader(configuration).upload(paths)
            #expect(results.map(\.state) == [.done, .done, .skipped, .skipped])
            #expect(results[3].reason?.contains("KIMI_FILES_MAX_COUNT=2") == true)
        }
    }

    @Test("the same file twice in one batch is uploaded once")
    func duplicate() async throws {
        try await UploadFixture.with { fixture in
            let path = try fixture.makeFile("twice.txt", size: 1000)
            let alias = fixture.directory.file("alias.txt")
            try FileManager.default.createSymbolicLink(atPath: alias, withDestinationPath: path)
            let results = await fixture.uploader().upload([path, path, alias])
            #expect(results.allSatisfy { $0.state == .done })
            #expect(Set(results.map(\.fileID)).count == 1)
            #expect(results[1].reason?.contains("same file as item 1") == true)
            #expect(results.map(\.path) == [path, path, alias])
            #expect(fixture.sandbox.stats.uploadsStarted == 1)
        }
    }

    @Test("a file that changes while it is being uploaded is reported and its id not cached")
    func changingFile() async throws {
        try await UploadFixture.with(
            // 2 s on the wire, and few bytes for the sandbox to parse: under AddressSanitizer the parsing of a
            // 1 MB body alone outlasted the 10 s upload timeout.
            sandbox: SandboxConfiguration(latency: .milliseconds(5), bandwidth: 125_000)
        ) { fixture in
            let path = try fixture.makeFile("moving.txt", size: 250_000)
            let uploader = fixture.uploader()
            let batch = Task { await uploader.upload([path]) }
            // Change it once the body is on its way (hashing is over), however busy the machine is.
            let deadline = ContinuousClock.now + .seconds(20)
            while fixture.sandbox.stats.uploadsStarted == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            let handle = try #require(FileHandle(forWritingAtPath: path))
            handle.seekToEndOfFile()
            handle.write(Data("appended while uploading\n".utf8))
            try handle.close()
            let result = try #require(await batch.value.first)
            #expect(result.state == .failed)
            #expect(result.reason?.contains("changed while uploading") == true, "\(result.reason ?? "")")
            #expect(try fixture.fileCache.count() == 0)
        }
    }
}
