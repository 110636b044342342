import Foundation
import MetricsClient

/// Copies what the poller knows into the screen's state: snapshot, connection, rates and histories.
struct PollerStateAdapter {
    private var previousUploads: (time: Date, sent: [String: Int])?

    mutating func apply(_ poller: PollerState, to state: inout DashboardState, now: Date) {
        state.connection = Self.connection(poller.status)
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

    /// MB/s of each file being uploaded, from the bytes it sent between two snapshots.
    private mutating func updateUploadRates(_ uploads: UploadMetrics?, time: Date, state: inout DashboardState) {
        let sent = Dictionary((uploads?.recent ?? []).map { ($0.id, $0.bytesSent) }, uniquingKeysWith: { $1 })
        defer { previousUploads = (time, sent) }
        guard let previous = previousUploads else { return }
        let elapsed = time.timeIntervalSince(previous.time)
        guard elapsed > 0.05 else { return }
        var rates: [String: Double] = [:]
        for record in uploads?.recent ?? [] where record.state == "uploading" {
            let before = previous.sent[record.id] ?? 0
            rates[record.id] = max(0, Double(record.bytesSent - before)) / elapsed / 1_000_000
        }
        state.uploadRates = rates
    }

    static func connection(_ status: ConnectionStatus) -> ConnectionState {
        switch status {
        case .connecting:
            return .connecting
        case .connected:
            return .connected
        case .stale(let age):
            return .stale(seconds: age / .seconds(1))
        case .reconnecting(let attempt, let next, _):
            return .reconnecting(attempt: attempt, nextTryIn: next / .seconds(1))
        case .incompatible(let error, _, _):
            return .incompatible(reason: error.reason)
        }
    }
}
