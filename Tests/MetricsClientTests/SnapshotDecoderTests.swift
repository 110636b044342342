import Foundation
import MetricsClient
import MetricsWire
import Testing

@Suite("SnapshotDecoder: tolerant decoding of the wire schema")
struct SnapshotDecoderTests {
    @Test("the Python original's document (compat fields only, indent=2) decodes without issues")
    func pythonOriginal() throws {
        let decoded = try Fixtures.decode(MetricsSnapshotTests.pythonOriginal)
        #expect(decoded.issues.isEmpty, "\(decoded.issues)")
        let chat = try #require(decoded.snapshot.toolMetrics["chat"])
        #expect(chat.totalCalls == 10 && chat.failedCalls == 1 && chat.p95LatencyMs == 300)
        #expect(chat.errorTypes == ["timeout": 1] && chat.lifetime == nil)
        #expect(decoded.snapshot.cacheMetrics["semantic_cache"]?.hitRate == 75)
        #expect(decoded.snapshot.systemMetrics.uptimeHours == 2.78)
        #expect(decoded.snapshot.timestamp == 1_760_000_000.5)
        #expect(decoded.snapshot.engine == nil && decoded.snapshot.uploadMetrics == nil)
    }

    @Test("a document written by PythonJSON round-trips the compat fields")
    func pythonWriterRoundTrip() throws {
        let original = Fixtures.snapshot(
            at: 2_000.25,
            tools: [Fixtures.tool("chat", calls: 7, failed: 2, p95: 12.5)],
            caches: [CacheMetrics(cacheName: "file_cache", hits: 3, misses: 1)]
        )
        let text = Fixtures.python(original)
        #expect(text.hasPrefix("{\n  \"enabled\": true,\n  \"timestamp\": 2000.25,\n"))
        let decoded = try Fixtures.decode(text)
        #expect(decoded.issues.isEmpty, "\(decoded.issues)")
        #expect(decoded.snapshot.toolMetrics == original.snapshot.toolMetrics)
        #expect(decoded.snapshot.cacheMetrics == original.snapshot.cacheMetrics)
    }

    @Test("a disabled collector's bare {\"enabled\": false} is a valid, empty snapshot")
    func disabled() throws {
        let decoded = try Fixtures.decode(#"{"enabled": false}"#)
        #expect(!decoded.snapshot.enabled)
        #expect(decoded.snapshot.toolMetrics.isEmpty && decoded.issues.isEmpty)
        #expect(decoded.snapshot.timestamp == 1_234)
    }

    @Test("unknown fields anywhere are ignored")
    func unknownFields() throws {
        let decoded = try Fixtures.decode(
            """
            {"enabled": true, "timestamp": 5, "future": {"x": [1, 2]}, "schema_version": 7,
             "tool_metrics": {"a": {"tool_name": "a", "total_calls": 1, "successful_calls": 1, "failed_calls": 0,
               "success_rate": 100, "avg_latency_ms": 1, "p50_latency_ms": 1, "p95_latency_ms": 1,
               "p99_latency_ms": 1, "min_latency_ms": 1, "max_latency_ms": 1, "error_types": {},
               "p42_latency_ms": 3, "colour": "blue"}},
             "cache_metrics": {}, "system_metrics": {"active_sessions": 0, "concurrent_requests": 0,
               "total_requests": 1, "start_time": 1, "uptime_seconds": 4, "uptime_hours": 0.0, "gpu": true}}
            """
        )
        #expect(decoded.issues.isEmpty, "\(decoded.issues)")
        #expect(decoded.snapshot.schemaVersion == 7 && decoded.snapshot.toolMetrics["a"]?.totalCalls == 1)
    }

    @Test("NaN, Infinity, negative counts, fractions and absurd values are flagged and replaced, never fatal")
    func badNumbers() throws {
        let decoded = try Fixtures.decode(
            """
            {"enabled": true, "timestamp": 5,
             "tool_metrics": {"bad": {"tool_name": "bad", "total_calls": -3, "successful_calls": 2.5,
               "failed_calls": 1e300, "success_rate": 250, "avg_latency_ms": NaN, "p50_latency_ms": Infinity,
               "p95_latency_ms": -1, "p99_latency_ms": "slow", "min_latency_ms": null, "max_latency_ms": 2,
               "error_types": {"timeout": -1, "ok": 2, "weird": "x"}},
               "good": {"tool_name": "good", "total_calls": 1, "successful_calls": 1, "failed_calls": 0,
               "success_rate": 100, "avg_latency_ms": 1, "p50_latency_ms": 1, "p95_latency_ms": 1,
               "p99_latency_ms": 1, "min_latency_ms": 1, "max_latency_ms": 1, "error_types": {}}},
             "cache_metrics": {"c": {"cache_name": "c", "hits": NaN, "misses": 2, "total_requests": 2,
               "hit_rate": -5, "evictions": 0, "size_rejections": 0}},
             "system_metrics": {"active_sessions": 0, "concurrent_requests": -1, "total_requests": 1,
               "start_time": 1, "uptime_seconds": 4, "uptime_hours": 0.0}}
            """
        )
        let bad = try #require(decoded.snapshot.toolMetrics["bad"])
        #expect(bad.totalCalls == 0 && bad.successfulCalls == 0 && bad.failedCalls == 0)
        #expect(bad.successRate == 0 && bad.avgLatencyMs == 0 && bad.p50LatencyMs == 0 && bad.p95LatencyMs == 0)
        #expect(bad.maxLatencyMs == 2 && bad.errorTypes == ["ok": 2])
        func kind(_ path: String) -> DataIssue.Kind? { decoded.issues.first { $0.path == path }?.kind }
        #expect(kind(#"tool_metrics["bad"].total_calls"#) == .negative)
        #expect(kind(#"tool_metrics["bad"].successful_calls"#) == .notWhole)
        #expect(kind(#"tool_metrics["bad"].failed_calls"#) == .outOfRange)
        #expect(kind(#"tool_metrics["bad"].success_rate"#) == .outOfRange)
        #expect(kind(#"tool_metrics["bad"].avg_latency_ms"#) == .notFinite)
        #expect(kind(#"tool_metrics["bad"].p50_latency_ms"#) == .notFinite)
        #expect(kind(#"tool_metrics["bad"].p99_latency_ms"#) == .wrongType)
        #expect(kind(#"tool_metrics["bad"].min_latency_ms"#) == .wrongType)
        #expect(kind(#"tool_metrics["bad"].error_types["timeout"]"#) == .negative)
        #expect(kind(#"cache_metrics["c"].hits"#) == .notFinite)
        #expect(kind(#"cache_metrics["c"].hit_rate"#) == .negative)
        #expect(kind("system_metrics.concurrent_requests") == .negative)
        #expect(decoded.flaggedTools == ["bad"] && decoded.flaggedCaches == ["c"])
        #expect(decoded.snapshot.toolMetrics["good"]?.totalCalls == 1)
        #expect(decoded.issues.first { $0.path.hasSuffix("avg_latency_ms") }?.description.contains("nan") == true)
    }

    @Test("missing compat fields are flagged; a tool entry that is not an object is dropped")
    func missingAndDropped() throws {
        let decoded = try Fixtures.decode(
            #"{"enabled": true, "tool_metrics": {"a": {"total_calls": 4}, "b": "nope", "c": [1]}}"#
        )
        #expect(decoded.snapshot.toolMetrics.keys.sorted() == ["a"])
        #expect(decoded.snapshot.toolMetrics["a"]?.totalCalls == 4)
        #expect(decoded.snapshot.toolMetrics["a"]?.toolName == "a")
        let paths = Set(decoded.issues.map(\.path))
        #expect(
            paths.isSuperset(of: ["timestamp", "cache_metrics", "system_metrics", #"tool_metrics["a"].p95_latency_ms"#])
        )
        #expect(
            decoded.issues.contains {
                $0.path == #"tool_metrics["b"]"# && $0.kind == .dropped && $0.value == "a string"
            }
        )
        #expect(decoded.issues.contains { $0.path == #"tool_metrics["c"]"# && $0.kind == .dropped })
        #expect(decoded.snapshot.timestamp == 1_234)
    }

    @Test("a damaged extension is dropped with an issue; the compat data survives")
    func damagedExtension() throws {
        let decoded = try Fixtures.decode(
            #"{"enabled": true, "timestamp": 9, "engine": "v2", "upload_metrics": {"max_parallel": 3}, "#
                + #""tool_metrics": {}, "cache_metrics": {}, "system_metrics": {"active_sessions": 0, "#
                + #""concurrent_requests": 0, "total_requests": 0, "start_time": 1, "uptime_seconds": 8, "#
                + #""uptime_hours": 0}}"#
        )
        #expect(decoded.snapshot.engine == nil && decoded.snapshot.uploadMetrics == nil)
        #expect(decoded.issues.map(\.path).sorted() == ["engine", "upload_metrics"])
        #expect(decoded.issues.allSatisfy { $0.kind == .dropped })
    }

    @Test(
        "documents that are not metrics JSON are refused with a reason",
        arguments: [
            ("", PollError.Code.notJSON, "empty"),
            ("<!DOCTYPE html><html><body>Welcome to nginx</body></html>", .notJSON, "HTML page"),
            ("# HELP x\n# TYPE x counter\nx 1\n", .notJSON, "Prometheus"),
            ("Hello, world", .notJSON, "not JSON"),
            (#"{"enabled": true, "tool_metrics": {"chat": {"total_calls": 1"#, .notJSON, "truncated"),
            (#"{"enabled": true,, }"#, .notJSON, "not valid JSON"),
            ("[1, 2, 3]", .wrongShape, "an array"),
            (#"{"status": "ok", "service": "metrics-server"}"#, .wrongShape, "found: "),
            ("{}", .wrongShape, "empty"),
            (#"{"enabled": true, "tool_metrics": [1, 2]}"#, .wrongShape, "tool_metrics is an array"),
            (#"{"enabled": true, "system_metrics": 3}"#, .wrongShape, "system_metrics is a number"),
        ]
    )
    func refused(body: String, code: PollError.Code, fragment: String) {
        #expect(throws: PollError.self) { try Fixtures.decode(body) }
        do {
            _ = try Fixtures.decode(body)
        } catch {
            #expect(error.code == code)
            #expect(error.reason.contains(fragment), "\(error.reason)")
            #expect(error.isIncompatible)
        }
    }

    @Test("an HTML content type is named even when the body looks harmless")
    func htmlContentType() {
        do {
            _ = try SnapshotDecoder().decode(Data("oops".utf8), contentType: "text/html; charset=utf-8")
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .notJSON && error.reason.contains("text/html"))
        }
    }

    @Test("10 000 tools decode, and the issue list stays bounded when every one of them is broken")
    func manyTools() throws {
        var tools: [String] = []
        for index in 0..<10_000 {
            tools.append(#""t\#(index)": {"tool_name": "t\#(index)", "total_calls": -1}"#)
        }
        let text = #"{"enabled": true, "timestamp": 3, "tool_metrics": {"# + tools.joined(separator: ",") + "}}"
        let decoded = try SnapshotDecoder(issueLimit: 50).decode(Data(text.utf8))
        #expect(decoded.snapshot.toolMetrics.count == 10_000)
        #expect(decoded.issues.count == 50)
        #expect(decoded.issueCount > 10_000 * 10)
        #expect(decoded.flaggedTools.count == 10_000)
    }

    @Test("unicode, escapes and control characters in tool names decode; display text is made safe")
    func unicodeNames() throws {
        let names = [
            "😀 résumé", "中文工具", "tab\there", "esc\u{1B}[31mred", "nul\u{0}byte", "rtl\u{202E}txt", "new\nline",
        ]
        let original = Fixtures.snapshot(at: 2_000, tools: names.map { Fixtures.tool($0, calls: 1) })
        let text = Fixtures.python(original)
        #expect(text.contains(#"\ud83d\ude00"#) && text.contains(#"\u001b"#) && !text.contains("\u{1B}"))
        let decoded = try Fixtures.decode(text)
        #expect(Set(decoded.snapshot.toolMetrics.keys) == Set(names))
        #expect(decoded.issues.isEmpty)
        for name in names {
            let shown = DisplayText.sanitized(name)
            #expect(DisplayText.isPrintable(shown), "\(shown.debugDescription)")
            #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{202E}" })
        }
        #expect(DisplayText.sanitized("😀 résumé") == "😀 résumé")
        #expect(DisplayText.sanitized("esc\u{1B}[31mred") == "esc\u{FFFD}[31mred")
        #expect(DisplayText.sanitized(String(repeating: "x", count: 500), maxLength: 10) == "xxxxxxxxx…")
    }

    @Test("plain ASCII takes the short way out with the same result: lengths at the bound, DEL, spaces, tabs")
    func asciiNames() {
        let ten = String(repeating: "a", count: 10)
        #expect(DisplayText.sanitized("hello world") == "hello world")
        #expect(DisplayText.sanitized(ten, maxLength: 10) == ten)
        #expect(DisplayText.sanitized(ten + "b", maxLength: 10) == "aaaaaaaaa…")
        #expect(DisplayText.sanitized("a\u{7F}b") == "a\u{FFFD}b")
        #expect(DisplayText.singleLine("tools/call") == "tools/call")
        #expect(DisplayText.singleLine(ten, maxLength: 10) == ten)
        #expect(DisplayText.singleLine(ten + "b", maxLength: 10) == ten + "…")
        #expect(DisplayText.singleLine(" a \t b\n") == "a b")
        #expect(DisplayText.singleLine("a\u{7F}b\u{1B}c") == "abc")
    }
}
