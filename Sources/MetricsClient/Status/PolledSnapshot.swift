import Foundation
import MetricsWire

/// A good answer from the endpoint: the decoded snapshot and how it arrived.
public struct PolledSnapshot: Sendable, Equatable {
    /// The snapshot with its flagged values.
    public var decoded: DecodedSnapshot
    /// When it was received (wall clock).
    public var receivedAt: Date
    /// From sending the request to the last byte of the body.
    public var responseTime: Duration
    /// The size of the body.
    public var byteCount: Int

    /// Creates a polled snapshot.
    public init(decoded: DecodedSnapshot, receivedAt: Date, responseTime: Duration, byteCount: Int) {
        self.decoded = decoded
        self.receivedAt = receivedAt
        self.responseTime = responseTime
        self.byteCount = byteCount
    }

    /// The snapshot itself.
    public var snapshot: MetricsSnapshot { decoded.snapshot }
}
