import MetricsWire

/// Renders the collector's state in the Prometheus text exposition format (version 0.0.4).
///
/// Call latency is one histogram named as the OpenTelemetry MCP semantic conventions name
/// `mcp.server.operation.duration`: `mcp_server_operation_duration_seconds`, labelled `mcp_method_name`
/// (`tools/call`, or a proxy's other methods), `gen_ai_tool_name` (tools only) and, on failed calls,
/// `error_type`. Its buckets are exact per-bucket counters kept as calls are recorded, so a tool's
/// `_count` summed over its outcomes equals the JSON's `total_calls`, and `_sum` is the exact latency
/// sum. Summing the buckets by `le` across instances is how a fleet's percentiles are merged. The
/// engine's own figures (caches, in-flight requests, uploads) have no convention and use `dashboard_`.
enum PrometheusExposition {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The latency histogram's name.
    static let durationMetric = "mcp_server_operation_duration_seconds"

    static func render(snapshot: MetricsSnapshot, distributions: [LatencyDistribution]) -> String {
        var out = ""
        out.reserveCapacity(4096 + distributions.count * 2048)

        family(
            &out,
            durationMetric,
            "histogram",
            "Duration of MCP requests as the engine measured them, by method, tool and error type."
        )
        for distribution in distributions {
            var base = [("mcp_method_name", distribution.method)]
            if let tool = distribution.tool { base.append(("gen_ai_tool_name", tool)) }
            for outcome in distribution.outcomes {
                var labels = base
                if let type = outcome.errorType { labels.append(("error_type", type)) }
                for bucket in outcome.buckets {
                    let bound = number(bucket.upperBoundMs / 1000)
                    sample(&out, durationMetric + "_bucket", labels + [("le", bound)], bucket.count)
                }
                sample(&out, durationMetric + "_bucket", labels + [("le", "+Inf")], outcome.count)
                sample(&out, durationMetric + "_sum", labels, number(outcome.sumMs / 1000))
                sample(&out, durationMetric + "_count", labels, outcome.count)
            }
        }

        if let engine = snapshot.engine {
            var labels = [("version", engine.version), ("mode", engine.mode.rawValue)]
            if let server = snapshot.mcp?.server.name { labels.append(("server", server)) }
            family(&out, "dashboard_engine_info", "gauge", "The engine: its version, mode and (a proxy) server name.")
            sample(&out, "dashboard_engine_info", labels, 1)
        }

        let caches = snapshot.cacheMetrics.values.sorted { $0.cacheName < $1.cacheName }
        let cacheCounters: [(String, String, (CacheMetrics) -> Int?)] = [
            ("dashboard_cache_hits_total", "Cache lookups answered from the cache.", { $0.hits }),
            ("dashboard_cache_misses_total", "Cache lookups not answered from the cache.", { $0.misses }),
            ("dashboard_cache_evictions_total", "Entries removed to make room.", { $0.evictions }),
            ("dashboard_cache_expirations_total", "Entries removed because they expired.", { $0.expirations }),
            ("dashboard_cache_size_rejections_total", "Values refused for their size.", { $0.sizeRejections }),
            ("dashboard_cache_failures_total", "Reads and writes the cache's store could not do.", { $0.failures }),
            (
                "dashboard_cache_coalesced_total", "Misses that waited for an identical call in flight.",
                { $0.coalesced }
            ),
            (
                "dashboard_cache_shared_lookups_total", "Local misses looked up in the shared store.",
                { $0.sharedLookups }
            ),
            (
                "dashboard_cache_shared_hits_total", "Hits the shared store answered (in hits_total too).",
                { $0.sharedHits }
            ),
        ]
        for (name, help, value) in cacheCounters {
            family(&out, name, "counter", help)
            for cache in caches {
                if let count = value(cache) { sample(&out, name, [("cache", cache.cacheName)], count) }
            }
        }
        let cacheGauges: [(String, String, (CacheMetrics) -> Int?)] = [
            ("dashboard_cache_entries", "Entries held now.", { $0.entries }),
            ("dashboard_cache_max_entries", "Entry limit.", { $0.maxEntries }),
            ("dashboard_cache_bytes", "Bytes held now.", { $0.bytes }),
            ("dashboard_cache_max_bytes", "Byte limit.", { $0.maxBytes }),
        ]
        for (name, help, value) in cacheGauges {
            family(&out, name, "gauge", help)
            for cache in caches {
                if let count = value(cache) { sample(&out, name, [("cache", cache.cacheName)], count) }
            }
        }

        family(&out, "dashboard_cache_shared_store_up", "gauge", "1 while the cache's shared store answers.")
        for cache in caches {
            guard let store = cache.store, let state = cache.storeState else { continue }
            sample(
                &out,
                "dashboard_cache_shared_store_up",
                [("cache", cache.cacheName), ("store", store)],
                state == "ready" ? 1 : 0
            )
        }

        let system = snapshot.systemMetrics
        gauge(
            &out,
            "dashboard_requests_in_flight",
            "Requests in flight now.",
            number(Double(system.concurrentRequests))
        )
        gauge(&out, "dashboard_active_sessions", "Sessions open now.", number(Double(system.activeSessions)))
        gauge(&out, "dashboard_uptime_seconds", "Seconds since the engine started.", number(system.uptimeSeconds))
        gauge(
            &out,
            "process_start_time_seconds",
            "Start time of the process since the epoch.",
            number(system.startTime)
        )
        if let rss = system.rssBytes {
            gauge(&out, "process_resident_memory_bytes", "Resident memory size in bytes.", number(Double(rss)))
        }
        if let rejected = system.rejectedSamples {
            family(
                &out,
                "dashboard_rejected_samples_total",
                "counter",
                "Samples refused for a non-finite or negative latency."
            )
            sample(&out, "dashboard_rejected_samples_total", [], rejected)
        }
        if let mcp = snapshot.mcp { renderMCP(mcp, tools: snapshot.toolMetrics, into: &out) }
        if let uploads = snapshot.uploadMetrics {
            gauge(&out, "dashboard_uploads_in_flight", "Files being uploaded now.", number(Double(uploads.inFlight)))
            gauge(&out, "dashboard_uploads_queued", "Files waiting to upload.", number(Double(uploads.queued)))
            family(&out, "dashboard_upload_bytes_sent_total", "counter", "Bytes written to the Files API.")
            sample(&out, "dashboard_upload_bytes_sent_total", [], uploads.bytesSent)
            family(&out, "dashboard_uploads_total", "counter", "Files that reached a final state, by state.")
            for (state, count) in [("done", uploads.completed), ("cached", uploads.cached), ("failed", uploads.failed)]
            {
                sample(&out, "dashboard_uploads_total", [("state", state)], count)
            }
        }
        if let otlp = snapshot.otlp {
            family(&out, "dashboard_otlp_spans_total", "counter", "Spans handed to the OTLP exporter, by outcome.")
            for (outcome, count) in [("exported", otlp.exported), ("dropped", otlp.dropped), ("failed", otlp.failed)] {
                sample(&out, "dashboard_otlp_spans_total", [("outcome", outcome)], count)
            }
        }
        return out
    }

    static func family(_ out: inout String, _ name: String, _ type: String, _ help: String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    static func gauge(_ out: inout String, _ name: String, _ help: String, _ value: String) {
        family(&out, name, "gauge", help)
        sample(&out, name, [], value)
    }

    static func sample(_ out: inout String, _ name: String, _ labels: [(String, String)], _ value: Int) {
        sample(&out, name, labels, String(value))
    }

    static func sample(_ out: inout String, _ name: String, _ labels: [(String, String)], _ value: String) {
        out += name
        if !labels.isEmpty {
            out += "{"
            for (index, (key, labelValue)) in labels.enumerated() {
                if index > 0 { out += "," }
                out += key + "=\"" + escape(labelValue) + "\""
            }
            out += "}"
        }
        out += " " + value + "\n"
    }

    /// Label values escape backslash, double quote and line feed, as the format requires.
    static func escape(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// A float as Prometheus reads it: no exponent surprises, integral values without a fraction.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
