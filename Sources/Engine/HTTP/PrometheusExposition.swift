import MetricsClient

/// Renders the collector's state in the Prometheus text exposition format (version 0.0.4).
///
/// Latency is a real histogram (`_bucket{le=…}`, `_sum`, `_count`) from exact per-bucket counters kept
/// as calls are recorded, so `_count` equals the JSON's `total_calls` and `_sum` is the exact latency sum.
enum PrometheusExposition {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func render(snapshot: MetricsSnapshot, distributions: [LatencyDistribution]) -> String {
        var out = ""
        out.reserveCapacity(4096 + distributions.count * 2048)

        family(&out, "mcp_tool_calls_total", "counter", "Tool calls recorded, by tool and outcome.")
        for tool in distributions {
            sample(
                &out,
                "mcp_tool_calls_total",
                [("tool", tool.tool), ("outcome", "success")],
                tool.count - tool.failed
            )
            sample(&out, "mcp_tool_calls_total", [("tool", tool.tool), ("outcome", "failure")], tool.failed)
        }
        family(&out, "mcp_tool_errors_total", "counter", "Failed tool calls, by tool and error type.")
        for tool in distributions {
            for (type, count) in tool.errorTypes.sorted(by: { $0.key < $1.key }) {
                sample(&out, "mcp_tool_errors_total", [("tool", tool.tool), ("error_type", type)], count)
            }
        }
        family(&out, "mcp_tool_latency_seconds", "histogram", "Tool call latency.")
        for tool in distributions {
            for bucket in tool.buckets {
                let bound = number(bucket.upperBoundMs / 1000)
                sample(&out, "mcp_tool_latency_seconds_bucket", [("tool", tool.tool), ("le", bound)], bucket.count)
            }
            sample(&out, "mcp_tool_latency_seconds_bucket", [("tool", tool.tool), ("le", "+Inf")], tool.count)
            sample(&out, "mcp_tool_latency_seconds_sum", [("tool", tool.tool)], number(tool.sumMs / 1000))
            sample(&out, "mcp_tool_latency_seconds_count", [("tool", tool.tool)], tool.count)
        }

        let caches = snapshot.cacheMetrics.values.sorted { $0.cacheName < $1.cacheName }
        let cacheCounters: [(String, String, (CacheMetrics) -> Int?)] = [
            ("mcp_cache_hits_total", "Cache lookups answered from the cache.", { $0.hits }),
            ("mcp_cache_misses_total", "Cache lookups not answered from the cache.", { $0.misses }),
            ("mcp_cache_evictions_total", "Entries removed to make room.", { $0.evictions }),
            ("mcp_cache_expirations_total", "Entries removed because they expired.", { $0.expirations }),
            ("mcp_cache_size_rejections_total", "Values refused for their size.", { $0.sizeRejections }),
            ("mcp_cache_coalesced_total", "Misses that waited for an identical call in flight.", { $0.coalesced }),
        ]
        for (name, help, value) in cacheCounters {
            family(&out, name, "counter", help)
            for cache in caches {
                if let count = value(cache) { sample(&out, name, [("cache", cache.cacheName)], count) }
            }
        }
        let cacheGauges: [(String, String, (CacheMetrics) -> Int?)] = [
            ("mcp_cache_entries", "Entries held now.", { $0.entries }),
            ("mcp_cache_max_entries", "Entry limit.", { $0.maxEntries }),
            ("mcp_cache_bytes", "Bytes held now.", { $0.bytes }),
            ("mcp_cache_max_bytes", "Byte limit.", { $0.maxBytes }),
        ]
        for (name, help, value) in cacheGauges {
            family(&out, name, "gauge", help)
            for cache in caches {
                if let count = value(cache) { sample(&out, name, [("cache", cache.cacheName)], count) }
            }
        }

        let system = snapshot.systemMetrics
        gauge(&out, "mcp_requests_in_flight", "Requests in flight now.", number(Double(system.concurrentRequests)))
        gauge(&out, "mcp_active_sessions", "Sessions open now.", number(Double(system.activeSessions)))
        gauge(&out, "mcp_uptime_seconds", "Seconds since the engine started.", number(system.uptimeSeconds))
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
                "mcp_rejected_samples_total",
                "counter",
                "Samples refused for a non-finite or negative latency."
            )
            sample(&out, "mcp_rejected_samples_total", [], rejected)
        }
        if let uploads = snapshot.uploadMetrics {
            gauge(&out, "mcp_uploads_in_flight", "Files being uploaded now.", number(Double(uploads.inFlight)))
            gauge(&out, "mcp_uploads_queued", "Files waiting to upload.", number(Double(uploads.queued)))
            family(&out, "mcp_upload_bytes_sent_total", "counter", "Bytes written to the Files API.")
            sample(&out, "mcp_upload_bytes_sent_total", [], uploads.bytesSent)
            family(&out, "mcp_uploads_total", "counter", "Files that reached a final state, by state.")
            for (state, count) in [("done", uploads.completed), ("cached", uploads.cached), ("failed", uploads.failed)]
            {
                sample(&out, "mcp_uploads_total", [("state", state)], count)
            }
        }
        return out
    }

    private static func family(_ out: inout String, _ name: String, _ type: String, _ help: String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private static func gauge(_ out: inout String, _ name: String, _ help: String, _ value: String) {
        family(&out, name, "gauge", help)
        sample(&out, name, [], value)
    }

    private static func sample(_ out: inout String, _ name: String, _ labels: [(String, String)], _ value: Int) {
        sample(&out, name, labels, String(value))
    }

    private static func sample(_ out: inout String, _ name: String, _ labels: [(String, String)], _ value: String) {
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
