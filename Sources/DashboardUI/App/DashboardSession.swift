import Foundation
import MetricsClient
import MetricsWire

/// What the dashboard is watching, and how it asks for uploads and resets: its own engine, or a remote one.
public protocol DashboardBackend: Sendable {
    /// Starts a test upload; returns a line for the status area.
    func startTestUpload() async throws -> String
    /// Resets the counters; returns a line for the status area.
    func resetCounters() async throws -> String
    /// The messages relayed after `after` still kept, at most `limit` (`GET /v1/messages`); throws
    /// ``MessagesUnavailable`` when the target keeps none (only a proxy does).
    func messages(after: Int, limit: Int) async throws -> MessagesPage
}

extension DashboardBackend {
    /// Only a proxy keeps messages: an embedded engine has none.
    public func messages(after: Int, limit: Int) async throws -> MessagesPage {
        throw MessagesUnavailable("no message log: the embedded engine relays nothing", brief: "not a proxy")
    }
}

/// Why a target lists no messages, said in the Messages view beside its name.
public struct MessagesUnavailable: Error, CustomStringConvertible {
    /// The words shown.
    public let description: String
    /// A few words for the line that names every target.
    public let brief: String
    /// Whether trying again cannot help (the target keeps no messages at all), as against a refusal or a
    /// failure that may pass.
    public let isPermanent: Bool

    /// A reason, permanent unless said otherwise; `brief` for the line of every target.
    public init(_ description: String, brief: String, isPermanent: Bool = true) {
        self.description = description
        self.brief = brief
        self.isPermanent = isPermanent
    }
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

    /// The proxy's message log through its control API.
    public func messages(after: Int, limit: Int) async throws -> MessagesPage {
        guard let credential else {
            throw MessagesUnavailable("no control token: pass --token or set METRICS_CONTROL_TOKEN", brief: "no token")
        }
        do {
            return try await ControlClient(target: target, credential: credential, timeout: .seconds(5))
                .messages(after: after, limit: limit)
        } catch let error where error.code == .notFound || error.code == .notImplemented {
            throw MessagesUnavailable(
                "no message log: not a `dashboard proxy` (engines keep no messages)",
                brief: "not a proxy"
            )
        } catch let error where error.code == .unauthorized {
            throw MessagesUnavailable(
                "the proxy refused the token (pass its token with --token or METRICS_CONTROL_TOKEN)",
                brief: "token refused",
                isPermanent: false
            )
        } catch {
            throw MessagesUnavailable(error.reason, brief: "unreachable", isPermanent: false)
        }
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

    /// Prometheus holds no messages.
    public func messages(after: Int, limit: Int) async throws -> MessagesPage {
        throw MessagesUnavailable(
            "no messages: Prometheus keeps none (attach to a proxy: dashboard --attach HOST:PORT)",
            brief: "Prometheus keeps none"
        )
    }
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
