extension MetricsSnapshot {
    /// The snapshot as `/metrics` serves it: byte for byte what `JSONEncoder` with `.sortedKeys` writes
    /// (the tests compare the two), written straight into one buffer instead of through an intermediate
    /// tree, because the encoder's tree dominated the cost of a snapshot (figures in BENCHMARKS.md). Keys
    /// come from the types' `CodingKeys`, as they do for `Codable` and the lenient reader.
    public func encodedJSON() -> [UInt8] {
        var out = JSONOutput(capacity: 1024 + toolMetrics.count * 640)
        out.beginObject()
        out.member(CodingKeys.cacheMetrics)
        out.beginObject()
        for name in cacheMetrics.keys.sorted() {
            out.member(name)
            cacheMetrics[name]?.write(to: &out)
        }
        out.endObject()
        out.member(CodingKeys.enabled, enabled)
        if let engine {
            out.member(CodingKeys.engine)
            engine.write(to: &out)
        }
        if let fleet {
            // Rare and small: written by the encoder itself, byte for byte what it writes for the whole.
            out.member(CodingKeys.fleet)
            out.raw(fleet.encodedJSON())
        }
        if let mcp {
            out.member(CodingKeys.mcp)
            mcp.write(to: &out)
        }
        out.member(CodingKeys.schemaVersion, schemaVersion)
        out.member(CodingKeys.systemMetrics)
        systemMetrics.write(to: &out)
        out.member(CodingKeys.timestamp, timestamp)
        out.member(CodingKeys.toolMetrics)
        out.beginObject()
        for name in toolMetrics.keys.sorted() {
            out.member(name)
            toolMetrics[name]?.write(to: &out)
        }
        out.endObject()
        if let uploadMetrics {
            out.member(CodingKeys.uploadMetrics)
            uploadMetrics.write(to: &out)
        }
        out.endObject()
        return out.bytes
    }
}

extension EngineInfo {
    fileprivate func write(to out: inout JSONOutput) {
        out.beginObject()
        out.member(CodingKeys.demo, demo)
        out.member(CodingKeys.filesAPI, filesAPI)
        out.member(CodingKeys.mode, mode.rawValue)
        out.member(CodingKeys.name, name)
        out.member(CodingKeys.version, version)
        out.endObject()
    }
}

extension ToolMetrics {
    func write(to out: inout JSONOutput) {
        out.beginObject()
        out.member(CodingKeys.avgLatencyMs, avgLatencyMs)
        out.member(CodingKeys.errorTypes)
        out.beginObject()
        for type in errorTypes.keys.sorted() {
            out.member(type, errorTypes[type])
        }
        out.endObject()
        out.member(CodingKeys.failedCalls, failedCalls)
        if let lifetime {
            out.member(CodingKeys.lifetime)
            out.beginObject()
            out.member(LifetimePercentiles.CodingKeys.p50Ms, lifetime.p50Ms)
            out.member(LifetimePercentiles.CodingKeys.p95Ms, lifetime.p95Ms)
            out.member(LifetimePercentiles.CodingKeys.p999Ms, lifetime.p999Ms)
            out.member(LifetimePercentiles.CodingKeys.p99Ms, lifetime.p99Ms)
            out.endObject()
        }
        out.member(CodingKeys.maxLatencyMs, maxLatencyMs)
        out.member(CodingKeys.minLatencyMs, minLatencyMs)
        out.member(CodingKeys.p50LatencyMs, p50LatencyMs)
        out.member(CodingKeys.p95LatencyMs, p95LatencyMs)
        out.member(CodingKeys.p99LatencyMs, p99LatencyMs)
        if let rounds {
            out.member(CodingKeys.rounds)
            out.beginObject()
            out.member(CallRounds.CodingKeys.abandonedCalls, rounds.abandonedCalls)
            out.member(CallRounds.CodingKeys.inputWaitMs, rounds.inputWaitMs)
            out.member(CallRounds.CodingKeys.multiRoundCalls, rounds.multiRoundCalls)
            out.member(CallRounds.CodingKeys.rounds, rounds.rounds)
            out.endObject()
        }
        out.member(CodingKeys.successRate, successRate)
        out.member(CodingKeys.successfulCalls, successfulCalls)
        out.member(CodingKeys.toolName, toolName)
        out.member(CodingKeys.totalCalls, totalCalls)
        if let windowHistogram {
            out.member(CodingKeys.windowHistogram)
            out.beginObject()
            out.member(LatencyBuckets.CodingKeys.counts)
            out.beginArray()
            for count in windowHistogram.counts { out.element(count) }
            out.endArray()
            out.member(LatencyBuckets.CodingKeys.upperBoundsMs)
            out.beginArray()
            for bound in windowHistogram.upperBoundsMs { out.element(bound) }
            out.endArray()
            out.endObject()
        }
        out.member(CodingKeys.windowSamples, windowSamples)
        out.endObject()
    }
}

extension CacheMetrics {
    fileprivate func write(to out: inout JSONOutput) {
        out.beginObject()
        out.member(CodingKeys.bytes, bytes)
        out.member(CodingKeys.cacheName, cacheName)
        out.member(CodingKeys.coalesced, coalesced)
        out.member(CodingKeys.entries, entries)
        out.member(CodingKeys.evictions, evictions)
        out.member(CodingKeys.expirations, expirations)
        out.member(CodingKeys.failures, failures)
        out.member(CodingKeys.hitRate, hitRate)
        out.member(CodingKeys.hits, hits)
        out.member(CodingKeys.lastFailure, lastFailure)
        out.member(CodingKeys.maxBytes, maxBytes)
        out.member(CodingKeys.maxEntries, maxEntries)
        out.member(CodingKeys.misses, misses)
        out.member(CodingKeys.sizeRejections, sizeRejections)
        out.member(CodingKeys.totalRequests, totalRequests)
        out.endObject()
    }
}

extension SystemMetrics {
    fileprivate func write(to out: inout JSONOutput) {
        out.beginObject()
        out.member(CodingKeys.activeSessions, activeSessions)
        out.member(CodingKeys.clampedSamples, clampedSamples)
        out.member(CodingKeys.concurrentRequests, concurrentRequests)
        out.member(CodingKeys.rejectedSamples, rejectedSamples)
        out.member(CodingKeys.rssBytes, rssBytes)
        out.member(CodingKeys.startTime, startTime)
        out.member(CodingKeys.totalRequests, totalRequests)
        out.member(CodingKeys.uptimeHours, uptimeHours)
        out.member(CodingKeys.uptimeSeconds, uptimeSeconds)
        out.endObject()
    }
}

extension UploadMetrics {
    fileprivate func write(to out: inout JSONOutput) {
        out.beginObject()
        out.member(CodingKeys.bytesSent, bytesSent)
        out.member(CodingKeys.cached, cached)
        out.member(CodingKeys.completed, completed)
        out.member(CodingKeys.failed, failed)
        out.member(CodingKeys.inFlight, inFlight)
        out.member(CodingKeys.maxParallel, maxParallel)
        out.member(CodingKeys.queued, queued)
        out.member(CodingKeys.recent)
        out.beginArray()
        for record in recent {
            out.element()
            record.write(to: &out)
        }
        out.endArray()
        out.endObject()
    }
}

extension UploadRecord {
    fileprivate func write(to out: inout JSONOutput) {
        out.beginObject()
        out.member(CodingKeys.bytesSent, bytesSent)
        out.member(CodingKeys.bytesTotal, bytesTotal)
        out.member(CodingKeys.error, error)
        out.member(CodingKeys.file, file)
        out.member(CodingKeys.fileID, fileID)
        out.member(CodingKeys.finishedAt, finishedAt)
        out.member(CodingKeys.id, id)
        out.member(CodingKeys.startedAt, startedAt)
        out.member(CodingKeys.state, state.rawValue)
        out.endObject()
    }
}

/// A JSON byte buffer written front to back, formatted as `JSONEncoder` formats: no whitespace, integral
/// doubles without `.0`, `/` escaped, control characters as `\n`-style or `\u00XX` escapes. A `nil` optional
/// member is left out, as synthesized `Encodable` conformances leave it out.
struct JSONOutput {
    private(set) var bytes: [UInt8] = []
    /// Whether the next member or element is the first of its container (no comma before it).
    private var first = true

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends a value already encoded.
    mutating func raw(_ value: [UInt8]) {
        bytes.append(contentsOf: value)
        first = false
    }

    mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    mutating func beginArray() {
        bytes.append(UInt8(ascii: "["))
        first = true
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    /// Starts an array element.
    mutating func element() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    /// An array element that is a whole number.
    mutating func element(_ value: Int) {
        element()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// An array element that is a number.
    mutating func element(_ value: Double) {
        element()
        number(value)
    }

    /// Starts a member: its key and colon; the value follows.
    mutating func member(_ key: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func member(_ key: some CodingKey) {
        member(key.stringValue)
    }

    mutating func member(_ key: some CodingKey, _ value: String?) {
        guard let value else { return }
        member(key.stringValue)
        string(value)
    }

    mutating func member(_ key: some CodingKey, _ value: Int?) {
        guard let value else { return }
        member(key.stringValue)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func member(_ key: String, _ value: Int?) {
        guard let value else { return }
        member(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func member(_ key: some CodingKey, _ value: Bool?) {
        guard let value else { return }
        member(key.stringValue)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func member(_ key: some CodingKey, _ value: Double?) {
        guard let value else { return }
        member(key.stringValue)
        number(value)
    }

    /// A double as `JSONEncoder` writes it; a non-finite one (which `JSONEncoder` refuses) as 0.
    private mutating func number(_ value: Double) {
        guard value.isFinite else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        let text = value.description
        let utf8 = text.utf8
        if utf8.count > 2, text.hasSuffix(".0") {
            bytes.append(contentsOf: utf8.dropLast(2))
        } else {
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "/"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "/")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30])
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
