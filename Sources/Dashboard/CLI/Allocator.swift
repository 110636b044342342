import DashboardUI

#if os(Linux)
import CMalloc
import Glibc
#endif

/// Process-wide allocator settings.
enum Allocator {
    /// Keeps glibc from giving every event-loop thread its own heap arena.
    ///
    /// An upload streams a file as many short-lived chunks created and freed on different NIO and task
    /// threads; with an arena per thread each keeps its own high-water mark, so a large upload's peak
    /// resident memory grows with the thread count. One arena and a 128 KiB trim threshold keep it within
    /// the target (figures in BENCHMARKS.md).
    /// Must run before any other thread starts. Leaves glibc's own setting alone when `MALLOC_ARENA_MAX` is
    /// in the environment, so the two can be compared (`MALLOC_ARENA_MAX=8 dashboard serve`).
    static func limitArenas() {
        #if os(Linux)
        // glibc reads this variable itself at start-up; it is looked at here only to not override it.
        if getenv("MALLOC_ARENA_MAX") != nil { return }
        _ = mallopt(M_ARENA_MAX, 1)
        _ = mallopt(M_TRIM_THRESHOLD, 128 * 1024)
        #endif
    }
}
