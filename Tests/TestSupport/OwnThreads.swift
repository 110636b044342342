import Dispatch
import Testing

/// Runs a test's work on threads of its own instead of the cooperative pool.
///
/// The pool has one thread per core (two here), and every test running at once shares it: a test that
/// computes for seconds (a fuzz loop) or waits on a child process holds one of them the whole time, and
/// a test that waits in time — for a poller's next try, a refresher's next round — then sees seconds
/// pass with nothing run. On threads of their own, tests share the cores the way processes do.
public final class OwnThreadsExecutor: TaskExecutor {
    /// The one executor the trait uses.
    public static let shared = OwnThreadsExecutor()

    /// Runs each job on a serial queue of its own: such queues get a thread whenever none is free
    /// (a concurrent queue would be held to one thread per core, as the pool is). A task's jobs never
    /// run at the same time, so nothing needs the queue to be shared.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        DispatchQueue(label: "test-job").async { job.runSynchronously(on: executor) }
    }
}

/// Runs every test of a suite (and of its nested suites) with ``OwnThreadsExecutor`` as its task
/// executor: `@Suite("…", .ownThreads)`. Tasks the test starts with `Task { }` run on the pool as before.
public struct OwnThreadsTrait: SuiteTrait, TestTrait, TestScoping {
    /// Applies to the suite's nested suites too.
    public var isRecursive: Bool { true }

    /// Runs the test with ``OwnThreadsExecutor`` as its task executor preference.
    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(OwnThreadsExecutor.shared) { try await function() }
    }
}

extension Trait where Self == OwnThreadsTrait {
    /// Runs the tests on threads of their own (``OwnThreadsTrait``).
    public static var ownThreads: Self { Self() }
}
