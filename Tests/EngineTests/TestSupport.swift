import Foundation
import MetricsClient
import MetricsWire
import Synchronization

/// A wall clock tests move by hand.
final class ManualDate: Sendable {
    private let current = Guarded(Date(timeIntervalSince1970: 1_800_000_000))

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: Double) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A fresh directory under the system temp dir, removed by `cleanup()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "engine-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func cleanup() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A counter tasks can share.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    func increment() { count.add(1, ordering: .relaxed) }
}
