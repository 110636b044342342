#!/usr/bin/env bash
# The shared caches on a loopback PostgreSQL 15, beside the local caches in the same run (release builds):
#  1. Benchmarks/ (EngineBenchmarks): an L2 lookup of the response cache, a shared file-ID lookup, and a
#     first-level hit with a shared level behind it, beside the SQLite lookup and the plain first-level hit;
#  2. upload makespan (12 files, 200 ms sandbox, 3 in flight) without and with FILE_CACHE_URL, alternating.
# Usage: scripts/bench-shared-cache.sh [makespan rounds]   (MAKESPAN_ONLY=1 skips part 1)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
workdir=$(mktemp -d)
chmod a+x "$workdir"  # the server runs as the postgres user when this runs as root
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
password="bench-$RANDOM$RANDOM"
url=$(scripts/postgres.sh start "$workdir/pg" "$port" "$password")
trap 'scripts/postgres.sh stop "$workdir/pg" >/dev/null 2>&1 || true; rm -rf "$workdir"' EXIT
echo "PostgreSQL 15 on 127.0.0.1:$port"

if [ -z "${MAKESPAN_ONLY:-}" ]; then
    (cd Benchmarks && DASHBOARD_BENCH_POSTGRES_URL=$url swift package --allow-writing-to-package-directory benchmark \
        --target EngineBenchmarks --filter 'Shared.*|FileIDCache lookup.*|ResponseCache hit, 2 KiB prompt.*' \
        --format markdown)
fi

echo
echo "upload makespan, 12 files, 200 ms each, 3 in flight (s): local only | with FILE_CACHE_URL"
for round in $(seq "$rounds"); do
    # The first line is the 3-in-flight run (sed reads the rest, so nothing dies of a closed pipe).
    local_only=$(scripts/bench-upload-makespan.sh 1 2>/dev/null | sed -n 1p)
    shared=$(FILE_CACHE_URL=$url scripts/bench-upload-makespan.sh 1 2>/dev/null | sed -n 1p)
    echo "round $round: $local_only | $shared"
done
rows=$(PGPASSWORD=$password /usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p "$port" -U dash -d dash -qAt \
    -c 'SELECT count(*) FROM dashboard_file_ids')
echo "file ids in the shared store after the uploads: $rows"
