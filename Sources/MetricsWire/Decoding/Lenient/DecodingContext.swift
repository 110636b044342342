import Foundation

/// What every part of one lenient read shares: the body (extension sections are decoded from their own
/// bytes), the issue log and the arrival time.
struct DecodingContext: Sendable {
    /// The whole body, indexed from 0 (member ranges point into it).
    let body: Data
    let log: IssueLog
    /// Seconds since 1970: stands in for a missing `timestamp`.
    let receivedAt: Double
}
