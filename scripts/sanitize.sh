#!/usr/bin/env bash
# The concurrency-heavy suites (metrics collector, response and file-ID caches, uploader, pollers, the
# stdio and HTTP proxies) under ThreadSanitizer and AddressSanitizer, each in a build of its own
# (.build/sanitize-KIND). Fails when a suite fails or a sanitizer reports anything.
# Usage: scripts/sanitize.sh [thread|address]...   (default: both; a clean build of each takes ~15 minutes)
# Known limit: ThreadSanitizer does not see the locking of Synchronization.Mutex on Linux (atomics and
# futex calls inside the standard library, which is not instrumented), so state behind a Mutex is
# reported as raced even when every access holds the lock; those reports are not races of this code.
set -euo pipefail
cd "$(dirname "$0")/.."
kinds=("$@")
[ ${#kinds[@]} -eq 0 ] && kinds=(thread address)
suites='MetricsCollectorTests|ResponseCacheTests|FileIDCacheTests|ParallelUploaderTests|UploaderBadInputTests|Poller|ProxyTests'
status=0
for kind in "${kinds[@]}"; do
    case $kind in thread | address) ;; *) echo "sanitize.sh: unknown sanitizer '$kind' (thread or address)" >&2; exit 64 ;; esac
    log=.build/sanitize-$kind.log
    mkdir -p .build
    echo "== swift test --sanitize=$kind (suites: $suites); log: $log"
    started=$(date +%s)
    # halt_on_error=0: every report is printed, and the process still exits non-zero at the end. A small
    # ASan quarantine keeps the memory-ceiling tests meaningful (the default holds 256 MiB of freed memory).
    if ! TSAN_OPTIONS="halt_on_error=0 exitcode=66 ${TSAN_OPTIONS:-}" \
        ASAN_OPTIONS="detect_leaks=0 quarantine_size_mb=16 ${ASAN_OPTIONS:-}" \
        swift test --sanitize="$kind" --scratch-path ".build/sanitize-$kind" --filter "$suites" > "$log" 2>&1; then
        echo "   the suites failed under the $kind sanitizer:" >&2
        status=1
    fi
    reports=$(grep -cE '^WARNING: ThreadSanitizer|^==[0-9]+==ERROR: AddressSanitizer' "$log" || true)
    passed=$(grep -E '^✔ Test run with|^✘ Test run with' "$log" | tail -1 || true)
    echo "   $passed"
    echo "   $reports sanitizer report(s) in $(( $(date +%s) - started )) s"
    if [ "$reports" != 0 ]; then
        grep -E -A12 '^WARNING: ThreadSanitizer|^==[0-9]+==ERROR: AddressSanitizer' "$log" | head -80 >&2
        status=1
    fi
done
exit $status
