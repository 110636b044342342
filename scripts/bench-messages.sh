#!/usr/bin/env bash
# The message log's cost (DESIGN 9c): a tools/call's round trip through `dashboard proxy` with no log
# (--messages 0), the default log (metadata), --capture and --record, in rotation in one run, both protocol
# eras; then the log's memory at its worst (every entry a captured 64 KiB payload).
# Usage: scripts/bench-messages.sh [rounds]   (needs gcc, python3; builds the release binary and peer)
set -euo pipefail
cd "$(dirname "$0")/.."
calls="${1:-20000}"
dashboard="$(scripts/build-release.sh)"
swift build -c release --product ProxyTestPeer --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z \
    -Xlinker pack-relative-relocs -Xlinker --icf=all >/dev/null
peer="$(dirname "$dashboard")/ProxyTestPeer"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/rtt" scripts/proxy-rtt.c

for era in "" @modern; do
    echo "== round trip of a tools/call, $calls rounds, ${era:-@handshake}: direct, --messages 0, the default log,"
    echo "   --capture, --record (a file rewritten each arm)"
    kind=echo
    [ -n "$era" ] && kind=echo-modern
    "$work/rtt" "$calls" 2000 -- $era "$peer" $kind \
        ++ $era "$dashboard" proxy --messages 0 -- "$peer" $kind \
        ++ $era "$dashboard" proxy -- "$peer" $kind \
        ++ $era "$dashboard" proxy --capture -- "$peer" $kind \
        ++ $era "$dashboard" proxy --messages 0 --record "$work/session.jsonl" -- "$peer" $kind
done
python3 scripts/bench_message_memory.py "$dashboard" "$peer"
