#!/usr/bin/env bash
# Builds the release `dashboard` the way it is meant to be installed, and prints the binary's path.
#
# The Swift runtime and Foundation are linked statically, lld packs the binary's relative relocations
# (glibc 2.36 or later reads that form) and folds identical functions: an attached dashboard keeps ~5 MiB
# fewer pages resident than a build against the shared Swift libraries (BENCHMARKS.md, "Dashboard
# memory"). The binary then needs only the system's libc, libstdc++, ncursesw and sqlite3.
# Usage: scripts/build-release.sh   (then: install -m 755 "$(scripts/build-release.sh)" ~/.local/bin/)
# The build's output is shown only if it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! swift build -c release --product dashboard --static-swift-stdlib \
    -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --icf=all > "$log" 2>&1; then
    cat "$log" >&2
    echo "scripts/build-release.sh: the release build failed (output above)" >&2
    exit 1
fi
echo "$PWD/.build/release/dashboard"
