#!/usr/bin/env bash
# Peak resident memory of `dashboard upload` sending one 1 GiB (sparse) file to the in-process sandbox
# (uploader and sandbox both stream, so neither holds the file). Usage: scripts/bench-upload-rss.sh
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(scripts/build-release.sh)
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
truncate -s 1G "$workdir/big.bin"
KIMI_FILES_MAX_SIZE_MB=2048 FILE_CACHE_PATH=$workdir/ids.sqlite /usr/bin/time -v "$binary" upload --sandbox-latency 0 \
    "$workdir/big.bin" 2> "$workdir/time.txt" | tail -2
grep -E "Maximum resident|Elapsed" "$workdir/time.txt"
