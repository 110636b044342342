import Foundation
import MetricsClient
import MetricsWire

/// What the dashboard is watching, and how it asks for uploads and resets: its own engine, or a remote one.
public protocol DashboardBackend: Sendable {
    /// Starts a test upload; returns a line for the status area.
    func startTestUpload() async throws -> String
    /// Resets the counters; returns a line for the status area.
    func resetCounters() async throws -> String
}

/// The test upload `u` starts.
public enum TestUpload {
    /// How many files it sends.
    public static let files = 4
}

/// A remote engine: uploads and resets go through its control API with the token.
public struct AttachedBackend: DashboardBackend {
    let target: MetricsTarget
    let credential: ControlCredential?
    let testFileBytes: Int

    /// The backend of `target`, controlled with `credential`; test uploads send files of `testFileBytes`.
    public init(target: MetricsTarget, credential: ControlCredential?, testFileBytes: Int) {
        self.target = target
        self.credential = credential
        self.testFileBytes = testFileBytes
    }

    /// Asks the engine's control API for a test upload.
    public func startTestUpload() async throws -> String {
        do {
            let receipt = try await client().startTestUpload(files: TestUpload.files, sizeBytes: testFileBytes)
            return "test upload started on \(target)" + (receipt.batch.map { " (batch \($0))" } ?? "")
        } catch let error as ControlError where error.code == .notFound || error.code == .notImplemented {
            throw CommandFailure(Self.noControlAPI(target, for: "test uploads"))
        }
    }

    /// Asks the engine's control API to reset its counters.
    public func resetCounters() async throws -> String {
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
public struct FleetBackend: DashboardBackend {
    static let message =
        "the fleet view reads Prometheus: test uploads and resets go to one engine (dashboard --attach HOST:PORT)"

    /// What `u` and `r` say about `target` when it has no control API.
    static func refusal(_ target: TargetView) -> String {
        target.origin == .fleet ? message : AttachedBackend.noControlAPI(target.name)
    }

    /// A fleet's backend.
    public init() {}

    /// Asks the engine's control API for a test upload.
    public func startTestUpload() async throws -> String { throw CommandFailure(Self.message) }

    /// Asks the engine's control API to reset its counters.
    public func resetCounters() async throws -> String { throw CommandFailure(Self.message) }
}

/// Status lines produced by background work, picked up by the screen loop.
public final class StatusInbox: Sendable {
    private let messages = Guarded<[StatusMessage]>([])

    /// An empty inbox.
    public init() {}

    /// Leaves `message` for the screen loop.
    public func post(_ message: StatusMessage) {
        messages.withLock { $0.append(message) }
    }

    func take() -> StatusMessage? {
        messages.withLock { $0.isEmpty ? nil : $0.removeLast() }
    }
}
