import Dispatch

/// Runs async work from a thread that may block (the stdio relay's own), waiting for its result.
enum BlockingWait {
    /// The result of `body`, waited for on this thread. Never call it from a NIO event loop or a task.
    static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox<T>()
        Task {
            result.value = await body()
            done.signal()
        }
        done.wait()
        return result.value!
    }

    private final class ResultBox<T: Sendable>: @unchecked Sendable {
        // Written once by the task before it signals; read once after the wait.
        var value: T?
    }
}
