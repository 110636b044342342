import MetricsWire

extension PrometheusExposition {
    /// A proxy's MCP figures that are no latency: rounds of multi-round calls (2026-07-28), requests by
    /// protocol version, and streams. None has an OpenTelemetry convention, so all are `dashboard_mcp_`.
    static func renderMCP(_ mcp: MCPMetrics, tools: [String: ToolMetrics], into out: inout String) {
        var rounded: [([(String, String)], CallRounds)] = []
        for (name, tool) in tools.sorted(by: { $0.key < $1.key }) {
            if let rounds = tool.rounds {
                rounded.append(([("mcp_method_name", "tools/call"), ("gen_ai_tool_name", name)], rounds))
            }
        }
        for (method, metrics) in mcp.methodMetrics.sorted(by: { $0.key < $1.key }) {
            if let rounds = metrics.rounds { rounded.append(([("mcp_method_name", method)], rounds)) }
        }
        if !rounded.isEmpty {
            let counters: [(String, String, (CallRounds) -> String)] = [
                (
                    "dashboard_mcp_call_rounds_total", "Rounds answered of calls that may take several.",
                    { String($0.rounds) }
                ),
                (
                    "dashboard_mcp_multi_round_calls_total", "Calls that took more than one round.",
                    { String($0.multiRoundCalls) }
                ),
                (
                    "dashboard_mcp_input_wait_seconds_total",
                    "Time between a round's answer and the client's retry (the user's input), summed.",
                    { number($0.inputWaitMs / 1000) }
                ),
                (
                    "dashboard_mcp_abandoned_calls_total", "Calls whose retry never came (not failures).",
                    { String($0.abandonedCalls) }
                ),
            ]
            for (name, help, value) in counters {
                family(&out, name, "counter", help)
                for (labels, rounds) in rounded { sample(&out, name, labels, value(rounds)) }
            }
        }
        if let versions = mcp.requestsByVersion, !versions.isEmpty {
            family(&out, "dashboard_mcp_requests_total", "counter", "Client requests by MCP protocol version.")
            for (version, count) in versions.sorted(by: { $0.key < $1.key }) {
                sample(&out, "dashboard_mcp_requests_total", [("mcp_protocol_version", version)], count)
            }
        }
        if let streams = mcp.streams {
            family(&out, "dashboard_mcp_streams_opened_total", "counter", "Streams (listen, GET SSE) opened.")
            sample(&out, "dashboard_mcp_streams_opened_total", [], streams.opened)
            family(&out, "dashboard_mcp_streams_closed_total", "counter", "Streams that ended, by how.")
            sample(
                &out,
                "dashboard_mcp_streams_closed_total",
                [("abrupt", "false")],
                streams.closed - streams.closedAbruptly
            )
            sample(&out, "dashboard_mcp_streams_closed_total", [("abrupt", "true")], streams.closedAbruptly)
            gauge(&out, "dashboard_mcp_streams_open", "Streams open now.", String(streams.openCount))
            family(&out, "dashboard_mcp_stream_events_total", "counter", "Messages the server sent on streams.")
            for (method, count) in streams.events.sorted(by: { $0.key < $1.key }) {
                sample(&out, "dashboard_mcp_stream_events_total", [("mcp_method_name", method)], count)
            }
        }
        if let surface = mcp.toolSurface { renderSurface(surface, server: mcp.server.name, into: &out) }
    }

    /// The tool surface: its changes by kind (every kind, so a rate starts from 0) and its definitions' size.
    static func renderSurface(_ surface: ToolSurfaceMetrics, server: String, into out: inout String) {
        family(&out, "dashboard_tool_changes_total", "counter", "Changes of the server's tool list, by kind.")
        for kind in ToolChangeKind.allCases {
            sample(
                &out,
                "dashboard_tool_changes_total",
                [("server", server), ("change", kind.rawValue)],
                surface.changeCounts[kind.rawValue] ?? 0
            )
        }
        family(
            &out,
            "dashboard_tool_risky_changes_total",
            "counter",
            "Changes of the kind a poisoned server makes: descriptions rewritten, annotations turned safer, tools added."
        )
        sample(&out, "dashboard_tool_risky_changes_total", [("server", server)], surface.riskyChanges)
        family(&out, "mcp_tool_definitions_bytes", "gauge", "Bytes of the server's tool definitions (canonical JSON).")
        sample(&out, "mcp_tool_definitions_bytes", [("server", server)], surface.definitionsBytes)
    }
}
