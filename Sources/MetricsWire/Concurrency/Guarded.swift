import CThreadSanitizer
import Synchronization

/// State shared between threads behind a lock: a `Mutex` whose locking ThreadSanitizer can see.
///
/// On Linux `Mutex` is atomics and futex calls inside the standard library, which is not built with
/// ThreadSanitizer, so TSan cannot tell that two accesses under the same lock are ordered and reports them
/// as a race — hiding any real one. `Guarded` tells it, through `__tsan_acquire`/`__tsan_release` on the
/// lock's address, when the ThreadSanitizer runtime is present; in every other build that is one compare
/// against a null symbol per lock. Use it for all shared mutable state, exactly as `Mutex`.
public struct Guarded<Value: ~Copyable>: ~Copyable {
    @usableFromInline let mutex: Mutex<Value>

    /// A lock around `initialValue`.
    @inlinable
    public init(_ initialValue: consuming sending Value) {
        mutex = Mutex(initialValue)
    }

    /// Runs `body` with the lock held and the value lent to it; never `await` inside.
    @inlinable
    public borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        let address = withUnsafePointer(to: mutex) { UnsafeRawPointer($0) }
        return try mutex.withLock { (value: inout sending Value) throws(E) -> sending Result in
            threadsan_lock_acquired(address)
            defer { threadsan_lock_releasing(address) }
            return try body(&value)
        }
    }
}

extension Guarded: Sendable where Value: ~Copyable {}
