import Engine
import Foundation
import MetricsClient
import MetricsWire

/// What the dashboard is watching, and how it asks for uploads and resets: its own engine, or a remote one.
protocol DashboardBackend: Sendable {
    /// Starts a test upload; returns a line for the status area.
    func startTestUpload() async throws -> String
    /// Resets the counters; returns a line for the status area.
    func resetCounters() async throws -> String
}

/// The embedded engine: uploads and resets go straight to it.
struct EmbeddedBackend: DashboardBackend {
    let runtime: EngineRuntime
    let testFileBytes: Int
    static let testFiles = 4

    func startTestUpload() async throws -> String {
        guard let uploads = runtime.uploads else {
            throw CommandFailure("cannot start a test upload: the engine has no uploader (see the log)")
        }
        let started = try await uploads.startTestUpload(files: Self.testFiles, sizeBytes: testFileBytes)
        return "test upload \(started.batch ?? "started"): \(Self.testFiles) files of "
            + "\(testFileBytes / 1_048_576) MiB to \(uploads.targetName)"
    }

    func resetCounters() async throws -> String {
        runtime.collector.reset()
        return "counters reset"
    }
}

/// A remote engine: uploads and resets go through its control API with the token.
struct AttachedBackend: DashboardBackend {
    let target: MetricsTarget
    let credential: ControlCredential?
    let testFileBytes: Int

    func startTestUpload() async throws -> String {
        do {
            let receipt = try await client().startTestUpload(files: EmbeddedBackend.testFiles, sizeBytes: testFileBytes)
            return "test upload started on \(target)" + (receipt.batch.map { " (batch \($0))" } ?? "")
        } catch let error as ControlError where error.code == .notFound || error.code == .notImplemented {
            throw CommandFailure(Self.noControlAPI(target, for: "test uploads"))
        }
    }

    func resetCounters() async throws -> String {
        do {
            try await client().reset()
        } catch let error as ControlError where error.code == .notFound || error.code == .notImplemented {
            throw CommandFailure(Self.noControlAPI(target, for: "resets"))
        }
        return "counters reset on \(target)"
    }

    /// What `u` and `r` say about a server that cannot do them.
    static func noControlAPI(_ target: CustomStringConvertible, for what: String? = nil) -> String {
        "\(target): this server has no control API" + (what.map { " for \($0)" } ?? "")
            + " (it only serves metrics)"
    }

    private func client() throws -> ControlClient {
        guard let credential else {
            throw CommandFailure(
                "no control token for \(target.host):\(target.port): pass --token or set METRICS_CONTROL_TOKEN"
            )
        }
        return ControlClient(target: target, credential: credential)
    }
}

/// A fleet read through Prometheus: nothing to control, since uploads and resets belong to one engine.
struct FleetBackend: DashboardBackend {
    static let message =
        "the fleet view reads Prometheus: test uploads and resets go to one engine (dashboard --attach HOST:PORT)"

    /// What `u` and `r` say about `target` when it has no control API.
    static func refusal(_ target: TargetView) -> String {
        target.origin == .fleet ? message : AttachedBackend.noControlAPI(target.name)
    }

    func startTestUpload() async throws -> String { throw CommandFailure(Self.message) }

    func resetCounters() async throws -> String { throw CommandFailure(Self.message) }
}

/// Status lines produced by background work, picked up by the screen loop.
final class StatusInbox: Sendable {
    private let messages = Guarded<[StatusMessage]>([])

    func post(_ message: StatusMessage) {
        messages.withLock { $0.append(message) }
    }

    func take() -> StatusMessage? {
        messages.withLock { $0.isEmpty ? nil : $0.removeLast() }
    }
}
