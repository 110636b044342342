import Engine
import MetricsWire

/// Which stream: a `subscriptions/listen` request of a session, or a GET SSE stream (numbered by the proxy).
enum StreamKey: Hashable {
    case listen(session: String, id: RPCID)
    case get(Int)
}

/// A stream open now.
struct StreamState {
    var opened: ContinuousClock.Instant
    var events = 0
}

/// The streams' counts since start.
struct StreamTotals {
    var opened = 0
    var closed = 0
    var abrupt = 0
    var closedDuration: Duration = .zero
    var maxDuration: Duration = .zero
    var events: [String: Int] = [:]

    /// At most this many event types are named; others count as `other`.
    static let maxEventTypes = 32
}

extension ObserverState {
    /// At most this many streams are tracked at once; more are relayed and counted as `untracked_stream`.
    static let maxStreams = 10_000
    /// The `_meta` key naming the listen request a message of its stream belongs to.
    static let subscriptionKey = "io.modelcontextprotocol/subscriptionId"

    mutating func openStream(_ key: StreamKey, at instant: ContinuousClock.Instant) {
        guard streams.count < Self.maxStreams else {
            count("untracked_stream")
            return
        }
        if streams[key] != nil { count("duplicate_id") }
        streams[key] = StreamState(opened: instant)
        streamTotals.opened += 1
        // Messages of it the server sent before its request was observed (the client's lines are forwarded
        // first): the acknowledgment, typically.
        for method in earlyEvents.removeValue(forKey: key) ?? [] { countEvent(method, on: key) }
    }

    /// Ends the stream `key`; `abruptly` when it ended without the server's closing answer or the client's
    /// cancellation. Returns whether it was open.
    @discardableResult
    mutating func closeStream(_ key: StreamKey, abruptly: Bool, at instant: ContinuousClock.Instant) -> Bool {
        guard let stream = streams.removeValue(forKey: key) else { return false }
        let duration = max(.zero, instant - stream.opened)
        streamTotals.closed += 1
        streamTotals.closedDuration += duration
        streamTotals.maxDuration = max(streamTotals.maxDuration, duration)
        if abruptly {
            streamTotals.abrupt += 1
            count("stream_ended_abruptly")
        }
        return true
    }

    /// Counts a message the server sent on the stream `key` (a notification's or request's method).
    mutating func countEvent(_ method: String, on key: StreamKey) {
        guard streams[key] != nil else {
            // Kept for a listen not observed yet, in bounded memory.
            guard case .listen = key else { return }
            if earlyEvents[key] == nil, earlyEvents.count >= Self.maxEarly { earlyEvents = [:] }
            if (earlyEvents[key]?.count ?? 0) < 16 { earlyEvents[key, default: []].append(method) }
            return
        }
        streams[key]?.events += 1
        var name = method
        if streamTotals.events[name] == nil {
            name = DisplayText.singleLine(method, maxLength: 80)
            if streamTotals.events[name] == nil, streamTotals.events.count >= StreamTotals.maxEventTypes {
                name = "other"
            }
        }
        streamTotals.events[name, default: 0] += 1
    }

    /// The streams section of the snapshot, `nil` before any stream opened.
    func streamMetrics(now: ContinuousClock.Instant) -> MCPStreams? {
        guard streamTotals.opened > 0 else { return nil }
        let open = streams.sorted { $0.value.opened < $1.value.opened }.prefix(MCPMetrics.maxListed)
        return MCPStreams(
            opened: streamTotals.opened,
            closed: streamTotals.closed,
            closedAbruptly: streamTotals.abrupt,
            closedDurationMs: MetricsRounding.twoDecimals(streamTotals.closedDuration.inMilliseconds),
            maxDurationMs: MetricsRounding.twoDecimals(streamTotals.maxDuration.inMilliseconds),
            events: streamTotals.events,
            openCount: streams.count,
            open: open.map { key, stream in
                let (kind, id): (String, String?)
                switch key {
                case .listen(_, let listenID): (kind, id) = ("subscriptions/listen", listenID.description)
                case .get: (kind, id) = ("GET", nil)
                }
                return OpenStream(
                    kind: kind,
                    id: id,
                    elapsedMs: MetricsRounding.twoDecimals((now - stream.opened).inMilliseconds),
                    events: stream.events
                )
            }
        )
    }
}

extension ObserverState {
    /// At most this many protocol versions are named; others count as `other`.
    static let maxVersions = 16
    /// The `_meta` key of a 2026-07-28 request's protocol version.
    static let versionKey = "io.modelcontextprotocol/protocolVersion"

    /// The protocol version a 2026-07-28 (or later) request names in its `_meta`.
    static func modernVersion(_ params: JSONValue?) -> String? {
        params?["_meta"]?[versionKey]?.stringValue
    }

    /// Counts a client request of `method` under its protocol version: its own (`_meta`), else the one its
    /// `MCP-Protocol-Version` header names (HTTP), else its session's (`initialize`'s answer); a request of
    /// none is not counted. `initialize` itself is counted when its answer says the version agreed on
    /// (``countVersion(_:)``).
    mutating func countVersion(of method: String, _ params: JSONValue?, session: String, header: String?) {
        if let version = Self.modernVersion(params) {
            countVersion(version)
        } else if method == "initialize" {
            if let requested = params?["protocolVersion"]?.stringValue { rememberVersion(requested, of: session) }
        } else if let version = header ?? sessionVersions[session] {
            countVersion(version)
        }
    }

    /// Counts one request under `version`.
    mutating func countVersion(_ version: String) {
        var version = version
        if requestsByVersion[version] == nil {
            version = DisplayText.singleLine(version, maxLength: 40)
            if requestsByVersion[version] == nil, requestsByVersion.count >= Self.maxVersions { version = "other" }
        }
        requestsByVersion[version, default: 0] += 1
    }

    /// The version a handshake-era session speaks, from its `initialize`.
    mutating func rememberVersion(_ version: String, of session: String) {
        if sessionVersions[session] == nil, sessionVersions.count >= Self.maxPending { sessionVersions = [:] }
        sessionVersions[session] = version
    }
}
