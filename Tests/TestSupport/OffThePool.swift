import Foundation

/// Runs blocking work (waiting for child processes, reading pipes) on a thread of its own, so it never
/// holds one of the few threads the concurrent tests share.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
