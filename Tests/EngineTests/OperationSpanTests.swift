import Engine
import Foundation
import Logging
import MetricsWire
import Testing

/// The spans an engine makes of what it measures: each tool call it records, and each upload with its files
/// as children — named, timed and attributed, and nothing of what the caller passed.
@Suite("Engine: operation spans")
struct OperationSpanTests {
    /// Keeps the operation spans handed to it; a proxy's request spans never come here.
    final class Spans: SpanSink {
        let ended = Guarded<[OperationSpan]>([])
        let requests = Guarded(0)
        func spanEnded(_ span: RequestSpan) { requests.withLock { $0 += 1 } }
        func operationEnded(_ span: OperationSpan) { ended.withLock { $0.append(span) } }
        var all: [OperationSpan] { ended.withLock { $0 } }
    }

    @Test("a recorded call is a tools/call span lasting its latency, a failure its error.type; a refused one none")
    func toolCalls() throws {
        let spans = Spans()
        let collector = MetricsCollector(spans: spans)
        let before = ContinuousClock.now
        collector.record(tool: "search", latencyMs: 12.5, success: true)
        collector.record(tool: "search", latencyMs: 40, success: false, errorType: "timeout")
        collector.tool("fetch").record(latency: .milliseconds(3), success: false)
        collector.record(tool: "search", latencyMs: .nan, success: true)
        collector.record(tool: "search", latencyMs: -1, success: true)
        let after = ContinuousClock.now

        let all = spans.all
        try #require(all.count == 3, "the NaN and negative latencies are refused, not spans: \(all.map(\.name))")
        #expect(all.map(\.name) == ["tools/call search", "tools/call search", "tools/call fetch"])
        for span in all {
            #expect(span.kind == .server && span.children.isEmpty)
            #expect(span.start >= before - .milliseconds(41) && span.end >= before && span.end <= after)
            #expect(span.attributes["mcp.method.name"] == .string("tools/call"))
            #expect(span.attributes["gen_ai.operation.name"] == .string("execute_tool"))
        }
        #expect(all[0].end - all[0].start == .microseconds(12_500) && all[0].errorType == nil)
        #expect(all[1].end - all[1].start == .milliseconds(40) && all[1].errorType == "timeout")
        #expect(all[2].attributes["gen_ai.tool.name"] == .string("fetch") && all[2].errorType == "unknown")
        #expect(spans.requests.withLock { $0 } == 0)
        // Recorded all the same.
        #expect(collector.snapshot().toolMetrics["search"]?.totalCalls == 2)
    }

    @Test("with metrics off, or without a sink, a recorded call makes no span")
    func noSpans() {
        let spans = Spans()
        MetricsCollector(configuration: MetricsConfiguration(enabled: false), spans: spans)
            .record(tool: "search", latencyMs: 5, success: true)
        #expect(spans.all.isEmpty)
        MetricsCollector().record(tool: "search", latencyMs: 5, success: true)
    }

    @Test("an upload is one span, each file uploaded its child with size and state; a missing file fails it; no path")
    func upload() async throws {
        try await UploadFixture.with { fixture in
            let spans = Spans()
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let uploader = ParallelUploader(
                configuration: UploadFixture.fast,
                client: fixture.client,
                fileCache: fixture.fileCache,
                collector: MetricsCollector(spans: spans),
                logger: logger
            )
            let first = try fixture.makeFile("private-a.txt", size: 1000)
            let second = try fixture.makeFile("private-b.txt", size: 2000, seed: 1)
            let missing = fixture.directory.file("private-missing.txt")
            let began = ContinuousClock.now
            let results = await uploader.upload([first, second, missing], fetchContent: false)
            try #require(
                results.map(\.state) == [.done, .done, .failed],
                "\(results.map { "\($0.state) after \($0.seconds) s: \($0.reason ?? "-")" })"
            )

            let all = spans.all
            try #require(all.count == 1, "one span per upload, none per file_upload call: \(all.map(\.name))")
            let batch = all[0]
            #expect(batch.name == "upload" && batch.kind == .internal && batch.errorType == "file_failed")
            #expect(batch.start >= began && batch.end >= batch.start)
            #expect(batch.attributes["dashboard.upload.files"] == .int(3))
            #expect(batch.attributes["dashboard.upload.done"] == .int(2))
            #expect(batch.attributes["dashboard.upload.failed"] == .int(1))
            #expect(batch.attributes["dashboard.upload.bytes"] == .int(3000))
            func size(_ span: OperationSpan) -> Int {
                guard case .int(let bytes)? = span.attributes["file.size"] else { return -1 }
                return bytes
            }
            let files = batch.children.sorted { size($0) < size($1) }
            #expect(files.map(size) == [1000, 2000])
            for file in files {
                #expect(file.name == "file_upload" && file.kind == .client && file.errorType == nil)
                #expect(file.attributes["dashboard.upload.state"] == .string("done"))
                #expect(file.attributes["server.address"] == .string("127.0.0.1"))
                #expect(file.start >= batch.start && file.end <= batch.end)
            }
            #expect(!"\(all)".contains("private-"), "a file path is in a span")
        }
    }
}
