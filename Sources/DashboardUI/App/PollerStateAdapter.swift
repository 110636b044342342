import Foundation
import MetricsClient
import MetricsWire

/// Copies what one target's poller knows into its ``TargetView``: snapshot, connection, rates over the
/// rate window and histories.
struct PollerStateAdapter {
    private var uploadSamples: [(time: Date, sent: [String: Int])] = []

    /// Applies `poller` to `target`. Tools keep the points the latency table draws (``sparklinePoints``);
    /// `detailTool` keeps every point, for the detail view.
    mutating func apply(
        _ poller: PollerState,
        to target: inout TargetView,
        rateWindow: Double,
        detailTool: String? = nil
    ) {
        target.connection = poller.status
        guard let latest = poller.latest else { return }
        target.snapshot = latest.snapshot
        target.receivedAt = latest.receivedAt
        if target.name == target.id, let server = latest.snapshot.mcp?.server.name, !server.isEmpty {
            target.name = DisplayText.singleLine(server, maxLength: 40)
        }
        if let derived = poller.derived {
            target.intervalHitRates = derived.caches.compactMapValues(\.intervalHitRate)
        }
        var rates: [String: Double] = [:]
        var history: [String: ToolHistory] = [:]
        rates.reserveCapacity(poller.history.tools.count)
        history.reserveCapacity(poller.history.tools.count)
        for (name, series) in poller.history.tools {
            rates[name] = series.callsPerSecond(over: rateWindow)
            history[name] =
                name == detailTool
                ? ToolHistory(series)
                : ToolHistory(
                    p95: series.p95LatencyMs.suffix(Self.sparklinePoints),
                    callRate: series.callsPerSecond.suffix(Self.sparklinePoints)
                )
        }
        if latest.snapshot.fleet != nil, let derived = poller.derived {
            // Prometheus's rates over its window: the snapshots' counters only move once a scrape.
            rates = derived.tools.mapValues(\.callsPerSecond)
        }
        target.callRates = rates
        target.history = history
        target.totalCallsPerSecond = rates.isEmpty && poller.derived == nil ? nil : rates.values.reduce(0, +)
        updateUploadRates(latest.snapshot.uploadMetrics, time: latest.receivedAt, target: &target)
    }

    /// Bytes per second of each file being uploaded, over the last few seconds of snapshots (bytes arrive
    /// in bursts as socket buffers drain, so one interval alone often reads 0).
    private mutating func updateUploadRates(_ uploads: UploadMetrics?, time: Date, target: inout TargetView) {
        let sent = Dictionary((uploads?.recent ?? []).map { ($0.id, $0.bytesSent) }, uniquingKeysWith: { $1 })
        uploadSamples.append((time, sent))
        uploadSamples.removeAll { time.timeIntervalSince($0.time) > Self.rateWindow }
        guard let oldest = uploadSamples.first, time.timeIntervalSince(oldest.time) > 0.05 else { return }
        let elapsed = time.timeIntervalSince(oldest.time)
        var rates: [String: Double] = [:]
        for record in uploads?.recent ?? [] where record.state == .uploading {
            let before = oldest.sent[record.id] ?? 0
            rates[record.id] = max(0, Double(record.bytesSent - before)) / elapsed
        }
        target.uploadRates = rates
    }

    /// Points of p95 and call rate kept per tool for the latency table: its sparkline is at most 60 wide.
    static let sparklinePoints = 60

    /// How far back upload rates look, in seconds.
    static let rateWindow: Double = 3
}
