#!/usr/bin/env bash
# Issue 26's search figures: a release server fills its log (1,000,000
# messages in the full preset) and answers searches, once with the search
# index (the default) and once without it (--search-index off, where only
# the writing is measured): stored messages per second both ways, and the
# searches' p50/p99. No rate limits, TLS as usual.
#   bench/search.sh [full|quick|smoke]   (default: quick)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
preset=${1:-quick}
. bench/lib.sh
build_for "$preset"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
for index in on off; do
  port=$(free_port)
  "$bin/tertulia-server" --no-announce --bind 127.0.0.1 --port "$port" --db "$work/$index.db" \
    --bcrypt-cost 4 --message-rate 0 --private-rate 0 --room-rate 0 --request-rate 0 \
    --max-rooms-per-user 100 --search-index "$index" 2>>"$work/server-$index.log" &
  pid=$!
  wait_port "$port"
  # Without the index a search is refused: the writing alone is timed.
  "$bin/tertulia-bench" --addr "127.0.0.1:$port" --tls --server-pid "$pid" \
    --preset "$preset" --scenarios search --label "index-$index" --time-limit 1800 |
    tee -a "$work/results.jsonl"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  du -h "$work/$index.db" >&2
done
