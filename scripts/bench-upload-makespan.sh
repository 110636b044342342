#!/usr/bin/env bash
# Uploader makespan: 12 files, sandbox answering each upload after 200 ms, 3 in flight (ideal: 4 x 200 ms),
# against one at a time (ideal: 12 x 200 ms). Usage: scripts/bench-upload-makespan.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
binary=$(scripts/build-release.sh)
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
for parallel in 3 1; do
    for run in $(seq "$runs"); do
        files=()
        for index in $(seq 12); do
            # Fresh content each run, so the file-ID cache never answers.
            head -c 65536 /dev/urandom | base64 > "$workdir/f-$run-$parallel-$index.txt"
            files+=("$workdir/f-$run-$parallel-$index.txt")
        done
        FILE_CACHE_PATH=$workdir/ids.sqlite "$binary" upload --no-content --sandbox-latency 200 \
            --max-parallel "$parallel" "${files[@]}" 2>/dev/null | tail -1
    done
done
