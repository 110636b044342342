#ifndef CTHREADSANITIZER_H
#define CTHREADSANITIZER_H

// ThreadSanitizer's annotations, declared weak: they are null unless the ThreadSanitizer runtime is linked
// in (`swift build --sanitize=thread`), so in every other build a call costs one compare.
void __tsan_acquire(void *address) __attribute__((weak));
void __tsan_release(void *address) __attribute__((weak));

/// Tells ThreadSanitizer that the lock at `address` was just taken: what the last holder did before
/// `threadsan_lock_releasing` happens before what follows.
static inline void threadsan_lock_acquired(const void *address) {
    if (__tsan_acquire) __tsan_acquire((void *)address);
}

/// Tells ThreadSanitizer that the lock at `address` is about to be let go.
static inline void threadsan_lock_releasing(const void *address) {
    if (__tsan_release) __tsan_release((void *)address);
}

#endif
