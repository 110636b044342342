extension MCPMetrics {
    /// Writes the section as `JSONEncoder` with sorted keys does.
    func write(to out: inout JSONOutput) {
        out.beginObject()
        out.member(CodingKeys.awaitingInput, awaitingInput)
        out.member(CodingKeys.inFlight)
        out.beginArray()
        for call in inFlight {
            out.element()
            call.write(to: &out)
        }
        out.endArray()
        out.member(CodingKeys.inFlightCount, inFlightCount)
        out.member(CodingKeys.methodMetrics)
        Self.write(methodMetrics, to: &out)
        out.member(CodingKeys.protocolIssues)
        Self.write(protocolIssues, to: &out)
        out.member(CodingKeys.recentFailures)
        out.beginArray()
        for failure in recentFailures {
            out.element()
            failure.write(to: &out)
        }
        out.endArray()
        if let requestsByVersion {
            out.member(CodingKeys.requestsByVersion)
            Self.write(requestsByVersion, to: &out)
        }
        out.member(CodingKeys.server)
        server.write(to: &out)
        out.member(CodingKeys.serverRequestMetrics)
        Self.write(serverRequestMetrics, to: &out)
        if let streams {
            out.member(CodingKeys.streams)
            streams.write(to: &out)
        }
        out.member(CodingKeys.toolAnnotations)
        out.beginObject()
        for tool in toolAnnotations.keys.sorted() {
            out.member(tool)
            toolAnnotations[tool]?.write(to: &out)
        }
        out.endObject()
        out.endObject()
    }

    fileprivate static func write(_ counts: [String: Int], to out: inout JSONOutput) {
        out.beginObject()
        for key in counts.keys.sorted() {
            out.member(key, counts[key])
        }
        out.endObject()
    }

    private static func write(_ metrics: [String: ToolMetrics], to out: inout JSONOutput) {
        out.beginObject()
        for name in metrics.keys.sorted() {
            out.member(name)
            metrics[name]?.write(to: &out)
        }
        out.endObject()
    }
}

extension MCPServerStatus {
    fileprivate func write(to out: inout JSONOutput) {
        out.beginObject()
        if let client {
            out.member(CodingKeys.client)
            client.write(to: &out)
        }
        out.member(CodingKeys.executable, executable)
        out.member(CodingKeys.exitStatus, exitStatus)
        out.member(CodingKeys.name, name)
        out.member(CodingKeys.pid, pid)
        out.member(CodingKeys.protocolVersion, protocolVersion)
        out.member(CodingKeys.running, running)
        if let implementation {
            out.member(CodingKeys.implementation)
            implementation.write(to: &out)
        }
        if let supportedVersions {
            out.member(CodingKeys.supportedVersions)
            out.beginArray()
            for version in supportedVersions {
                out.element()
                out.string(version)
            }
            out.endArray()
        }
        out.endObject()
    }
}

extension MCPPeerInfo {
    fileprivate func write(to out: inout JSONOutput) {
        out.beginObject()
        out.member(CodingKeys.name, name)
        out.member(CodingKeys.version, version)
        out.endObject()
    }
}

extension InFlightCall {
    fileprivate func write(to out: inout JSONOutput) {
        out.beginObject()
        out.member(CodingKeys.elapsedMs, elapsedMs)
        out.member(CodingKeys.fromServer, fromServer)
        out.member(CodingKeys.id, id)
        out.member(CodingKeys.message, message)
        out.member(CodingKeys.method, method)
        out.member(CodingKeys.progress, progress)
        out.member(CodingKeys.round, round)
        out.member(CodingKeys.tool, tool)
        out.member(CodingKeys.total, total)
        out.endObject()
    }
}

extension CallFailure {
    fileprivate func write(to out: inout JSONOutput) {
        out.beginObject()
        out.member(CodingKeys.errorType, errorType)
        out.member(CodingKeys.latencyMs, latencyMs)
        out.member(CodingKeys.message, message)
        out.member(CodingKeys.method, method)
        out.member(CodingKeys.time, time)
        out.member(CodingKeys.tool, tool)
        out.endObject()
    }
}

extension ToolAnnotations {
    fileprivate func write(to out: inout JSONOutput) {
        out.beginObject()
        out.member(CodingKeys.destructiveHint, destructiveHint)
        out.member(CodingKeys.idempotentHint, idempotentHint)
        out.member(CodingKeys.openWorldHint, openWorldHint)
        out.member(CodingKeys.readOnlyHint, readOnlyHint)
        out.member(CodingKeys.title, title)
        out.endObject()
    }
}

extension MCPStreams {
    fileprivate func write(to out: inout JSONOutput) {
        out.beginObject()
        out.member(CodingKeys.closed, closed)
        out.member(CodingKeys.closedAbruptly, closedAbruptly)
        out.member(CodingKeys.closedDurationMs, closedDurationMs)
        out.member(CodingKeys.events)
        MCPMetrics.write(events, to: &out)
        out.member(CodingKeys.maxDurationMs, maxDurationMs)
        out.member(CodingKeys.open)
        out.beginArray()
        for stream in open {
            out.element()
            out.beginObject()
            out.member(OpenStream.CodingKeys.elapsedMs, stream.elapsedMs)
            out.member(OpenStream.CodingKeys.events, stream.events)
            out.member(OpenStream.CodingKeys.id, stream.id)
            out.member(OpenStream.CodingKeys.kind, stream.kind)
            out.endObject()
        }
        out.endArray()
        out.member(CodingKeys.openCount, openCount)
        out.member(CodingKeys.opened, opened)
        out.endObject()
    }
}
