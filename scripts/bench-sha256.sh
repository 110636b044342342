#!/usr/bin/env bash
# Streaming SHA-256 of a 256 MiB file: `openssl dgst -sha256` (SHA-NI) as the anchor, then the engine's
# hash through the benchmark package, both on the same page-cached file.
# Usage: scripts/bench-sha256.sh [runs]   (needs: openssl; builds the benchmarks in release)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
file=$workdir/file.bin
head -c $((256 << 20)) /dev/urandom > "$file"
cat "$file" > /dev/null
openssl dgst -sha256 "$file" > /dev/null

times=()
for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    openssl dgst -sha256 "$file" > /dev/null
    times+=($(( $(date +%s%N) - start )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
echo "openssl dgst -sha256, 256 MiB, $runs runs: median $(( median / 1000000 )) ms" \
    "($(( (256 << 20) * 1000 / median )) MB/s), min $(( $(echo "$sorted" | head -1) / 1000000 )) ms," \
    "max $(( $(echo "$sorted" | tail -1) / 1000000 )) ms"

cd Benchmarks
BENCH_SHA256_FILE=$file swift package --allow-writing-to-directory .benchmarkBaselines benchmark \
    --filter 'SHA-256.*' --no-progress
