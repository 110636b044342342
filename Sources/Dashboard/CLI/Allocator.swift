#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings.
enum Allocator {
    /// Keeps glibc from giving every event-loop thread its own heap arena.
    ///
    /// An upload streams a file as many short-lived chunks created and freed on different NIO and task
    /// threads; with an arena per thread each keeps its own high-water mark, and a 1 GiB upload peaked at
    /// 87 MiB resident. One arena and a 128 KiB trim threshold bring it to 53–64 MiB (BENCHMARKS.md).
    /// Must run before any other thread starts. Leaves glibc's own setting alone when `MALLOC_ARENA_MAX` is
    /// in the environment, so the two can be compared (`MALLOC_ARENA_MAX=8 dashboard serve`).
    static func limitArenas() {
        #if os(Linux)
        // glibc reads this variable itself at start-up; it is looked at here only to not override it.
        if getenv("MALLOC_ARENA_MAX") != nil { return }
        // <malloc.h>: M_TRIM_THRESHOLD is -1, M_ARENA_MAX is -8.
        _ = glibcMallopt(-8, 1)
        _ = glibcMallopt(-1, 128 * 1024)
        #endif
    }
}

#if os(Linux)
// `mallopt` is declared in <malloc.h>, which the Glibc module does not export.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
