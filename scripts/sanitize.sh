#!/usr/bin/env bash
# The concurrency-heavy suites (metrics collector, response and file-ID caches, uploader, pollers, the
# stdio and HTTP proxies) under ThreadSanitizer and AddressSanitizer. Only this package's own modules are
# instrumented (DASHBOARD_SANITIZE in Package.swift): the dependencies of the plain debug build are reused,
# so each kind costs a rebuild of this package's modules (a few minutes), and the next plain build another.
# Fails when a sanitizer reports anything, or when the suites fail twice in a row (a failure with no report
# is run once more: see below).
# Usage: scripts/sanitize.sh [thread|address]...   (default: both)
# ThreadSanitizer cannot see a Synchronization.Mutex lock on Linux (atomics and futex calls inside the
# uninstrumented standard library): shared state is behind `Guarded`, which tells it through
# __tsan_acquire/__tsan_release. The sanitizers make everything several times slower, so the tests' wall-
# clock bounds are stretched (TEST_TIME_SCALE, read by Tests/TestSupport/TimeBound.swift); four tests are
# skipped because what they assert is a measurement (a 10 ms relay bound, a memory ceiling with shadow
# memory, two long schedules against the real clock), and the normal suite runs them. One test runs at a
# time, as in the README's command (in parallel on two cores, tests starve each other past their bounds).
# Reports inside code this package does not own are suppressed by name, each with its reason, in
# scripts/asan-suppressions.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
kinds=("$@")
[ ${#kinds[@]} -eq 0 ] && kinds=(thread address)
suites='MetricsCollectorTests|ResponseCacheTests|FileIDCache|Uploader|Poller|ProxyTests'
skip='MetricsCollectorTests/refresher|PollerScheduleTests/backoffSchedule|HTTPProxyTests/hugeBody'
status=0
for kind in "${kinds[@]}"; do
    case $kind in thread | address) ;; *) echo "sanitize.sh: unknown sanitizer '$kind' (thread or address)" >&2; exit 64 ;; esac
    log=.build/sanitize-$kind.log
    mkdir -p .build
    echo "== swift test --sanitize=$kind (suites: $suites); log: $log"
    started=$(date +%s)
    # halt_on_error=0: every report is printed, and the process still exits non-zero at the end. A small
    # ASan quarantine keeps the memory-ceiling tests meaningful (the default holds 256 MiB of freed memory).
    run() {
        TEST_TIME_SCALE=4 TSAN_OPTIONS="halt_on_error=0 exitcode=66 ${TSAN_OPTIONS:-}" \
            ASAN_OPTIONS="detect_leaks=0 quarantine_size_mb=16 suppressions=$PWD/scripts/asan-suppressions.txt ${ASAN_OPTIONS:-}" \
            DASHBOARD_SANITIZE=$kind swift test --no-parallel --filter "$suites" --skip "$skip" > "$1" 2>&1
    }
    summary() {
        grep -E '^✔ Test run with|^✘ Test run with' "$1" | tail -1 || true
        # The failing tests by name, with what each expected, so a CI log says which without the .build log.
        grep -E '^✘ Test .*(failed|recorded an issue)' "$1" | grep -v '^✘ Test run with' | head -20 || true
    }
    reports() { grep -cE '^WARNING: ThreadSanitizer|^==[0-9]+==ERROR: AddressSanitizer' "$1" || true; }
    if ! run "$log"; then
        if [ "$(reports "$log")" = 0 ]; then
            summary "$log" | sed 's/^/   /'
            # A test failing with no sanitizer report is a wall-clock bound missed on an instrumented build
            # (the normal suite asserts the same): the suites run once more, and fail the script only if
            # they fail again. What failed the first time stays printed above.
            echo "   failed with no sanitizer report: running the suites once more ($log.again)"
            log=$log.again
            if ! run "$log"; then
                echo "   the suites failed twice under the $kind sanitizer" >&2
                status=1
            fi
        else
            echo "   the suites failed under the $kind sanitizer" >&2
            status=1
        fi
    fi
    reports=$(reports "$log")
    summary "$log" | sed 's/^/   /'
    echo "   $reports sanitizer report(s) in $(( $(date +%s) - started )) s"
    if [ "$reports" != 0 ]; then
        grep -E -A12 '^WARNING: ThreadSanitizer|^==[0-9]+==ERROR: AddressSanitizer' "$log" | head -80 >&2
        status=1
    fi
done
exit $status
