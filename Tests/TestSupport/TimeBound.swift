import Foundation

/// How much slower than usual this test run may be: `TEST_TIME_SCALE` (scripts/sanitize.sh sets it, as a
/// sanitizer makes everything several times slower), else 1.
public let testTimeScale: Double = {
    guard let text = ProcessInfo.processInfo.environment["TEST_TIME_SCALE"], let scale = Double(text), scale >= 1
    else { return 1 }
    return scale
}()

/// A wall-clock bound a test asserts, stretched by ``testTimeScale``: "at once" still means at once, only
/// measured against what this build can do.
public func timeBound(_ duration: Duration) -> Duration {
    duration * testTimeScale
}
