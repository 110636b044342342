#!/usr/bin/env bash
# Fuzzes every parser that reads outside input with libFuzzer (coverage-guided, AddressSanitizer on), each
# for SECONDS, starting from the seed corpora in Fuzz/Corpus/<target>/ (real traffic). Exits non-zero if
# any target crashes, breaks an invariant, hangs (over 10 s on one input) or leaks; the input is kept in
# .build/fuzz/findings/<target>/ — put it in Fuzz/Crashes/<target>/ once fixed, and `swift test` replays it.
# New inputs the fuzzer finds stay in .build/fuzz/corpus/ (the committed seeds are never rewritten).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default 60 s; targets: jsonrpc sse snapshot tool-calls
#        discovery targets config http)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(jsonrpc sse snapshot tool-calls discovery targets config http); fi
scratch=.build/fuzz
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Only this package's targets are instrumented (Package.swift, DASHBOARD_SANITIZE): the dependencies of the
# plain debug build are reused, and the next plain build recompiles this package's modules.
if ! DASHBOARD_SANITIZE=fuzzer swift build --product Fuzzers > "$log" 2>&1; then
    cat "$log" >&2
    echo "scripts/fuzz.sh: the fuzzing build failed (output above)" >&2
    exit 1
fi
mkdir -p "$scratch"
binary="$scratch/Fuzzers"
cp "$(DASHBOARD_SANITIZE=fuzzer swift build --show-bin-path)/Fuzzers" "$binary"
failed=()
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target"
    findings="$scratch/findings/$target"
    mkdir -p "$corpus" "$findings"
    echo "fuzz: $target for ${seconds}s"
    # The first corpus folder receives new inputs; the committed seeds are read only.
    if FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=Fuzz/lsan-suppressions.txt \
        SWIFT_BACKTRACE=enable=no "$binary" "$corpus" "Fuzz/Corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$findings/" -print_final_stats=1 > "$scratch/$target.log" 2>&1; then
        grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$scratch/$target.log" \
            | sed "s/^/fuzz: $target /"
    else
        tail -40 "$scratch/$target.log" >&2
        echo "fuzz: $target FAILED; the input is in $findings/" >&2
        failed+=("$target")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "scripts/fuzz.sh: ${failed[*]} failed" >&2
    exit 1
fi
echo "fuzz: ok — ${targets[*]}, ${seconds}s each, no crash, hang or leak"
