import Foundation
import MetricsClient

/// Copies what the poller knows into the screen's state: snapshot, connection, rates and histories.
struct PollerStateAdapter {
    private var uploadSamples: [(time: Date, sent: [String: Int])] = []

    mutating func apply(_ poller: PollerState, to state: inout DashboardState, now: Date) {
        state.connection = poller.status
        state.refreshInterval = poller.interval / .seconds(1)
        guard let latest = poller.latest else { return }
        state.snapshot = latest.snapshot
        if let derived = poller.derived {
            state.callRates = derived.tools.mapValues(\.callsPerSecond)
            state.totalCallsPerSecond = derived.totalCallsPerSecond
            state.intervalHitRates = derived.caches.compactMapValues(\.intervalHitRate)
        }
        state.callRateHistory = poller.history.tools.mapValues(\.callsPerSecond.values)
        state.p95History = poller.history.tools.mapValues(\.p95LatencyMs.values)
        updateUploadRates(latest.snapshot.uploadMetrics, time: latest.receivedAt, state: &state)
    }

    /// Bytes per second of each file being uploaded, over the last few seconds of snapshots (bytes arrive
    /// in bursts as socket buffers drain, so one interval alone often reads 0).
    private mutating func updateUploadRates(_ uploads: UploadMetrics?, time: Date, state: inout DashboardState) {
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
        state.uploadRates = rates
    }

    /// How far back upload rates look, in seconds.
    static let rateWindow: Double = 3
}
