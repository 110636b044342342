import MetricsClient
import MetricsWire

/// A JSON value written exactly as Python's `json.dumps(value, indent=2)` writes it: two-space indent,
/// `", "`-free item separators, `": "` after keys, non-ASCII escaped as `\uXXXX` (surrogate pairs above
/// the BMP), floats in `repr` form (`90.0`), and the bare `NaN`/`Infinity` Python emits.
indirect enum PythonJSON {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case string(String)
    case object([(String, PythonJSON)])

    func dumps(indent: Int = 2) -> String {
        var out = ""
        write(into: &out, level: 0, indent: indent)
        return out
    }

    private func write(into out: inout String, level: Int, indent: Int) {
        switch self {
        case .int(let value):
            out += "\(value)"
        case .float(let value):
            if value.isNaN {
                out += "NaN"
            } else if value.isInfinite {
                out += value > 0 ? "Infinity" : "-Infinity"
            } else {
                out += "\(value)"
            }
        case .bool(let value):
            out += value ? "true" : "false"
        case .string(let value):
            out += Self.quoted(value)
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            let inner = String(repeating: " ", count: (level + 1) * indent)
            out += "{\n"
            for (index, member) in members.enumerated() {
                out += inner + Self.quoted(member.0) + ": "
                member.1.write(into: &out, level: level + 1, indent: indent)
                out += index == members.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: level * indent) + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(unit)!)
            default:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(unit, radix: 16).count) + String(unit, radix: 16)
            }
        }
        return out + "\""
    }
}

extension PythonJSON {
    /// The Python original's document for a snapshot: the compat fields only, in its field order.
    static func original(_ snapshot: MetricsSnapshot) -> PythonJSON {
        let tools = snapshot.toolMetrics.sorted { $0.key < $1.key }.map { name, tool in
            (
                name,
                PythonJSON.object([
                    ("tool_name", .string(tool.toolName)),
                    ("total_calls", .int(tool.totalCalls)),
                    ("successful_calls", .int(tool.successfulCalls)),
                    ("failed_calls", .int(tool.failedCalls)),
                    ("success_rate", .float(tool.successRate)),
                    ("avg_latency_ms", .float(tool.avgLatencyMs)),
                    ("p50_latency_ms", .float(tool.p50LatencyMs)),
                    ("p95_latency_ms", .float(tool.p95LatencyMs)),
                    ("p99_latency_ms", .float(tool.p99LatencyMs)),
                    ("min_latency_ms", .float(tool.minLatencyMs)),
                    ("max_latency_ms", .float(tool.maxLatencyMs)),
                    (
                        "error_types",
                        .object(tool.errorTypes.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
                    ),
                ])
            )
        }
        let caches = snapshot.cacheMetrics.sorted { $0.key < $1.key }.map { name, cache in
            (
                name,
                PythonJSON.object([
                    ("cache_name", .string(cache.cacheName)),
                    ("hits", .int(cache.hits)),
                    ("misses", .int(cache.misses)),
                    ("total_requests", .int(cache.totalRequests)),
                    ("hit_rate", .float(cache.hitRate)),
                    ("evictions", .int(cache.evictions)),
                    ("size_rejections", .int(cache.sizeRejections)),
                ])
            )
        }
        let system = snapshot.systemMetrics
        return .object([
            ("enabled", .bool(snapshot.enabled)),
            ("timestamp", .float(snapshot.timestamp)),
            ("tool_metrics", .object(tools)),
            ("cache_metrics", .object(caches)),
            (
                "system_metrics",
                .object([
                    ("active_sessions", .int(system.activeSessions)),
                    ("concurrent_requests", .int(system.concurrentRequests)),
                    ("total_requests", .int(system.totalRequests)),
                    ("start_time", .float(system.startTime)),
                    ("uptime_seconds", .float(system.uptimeSeconds)),
                    ("uptime_hours", .float(system.uptimeHours)),
                ])
            ),
        ])
    }
}
