#!/usr/bin/env bash
# The storms of issue 25 against a release server with every default: TLS,
# the bcrypt cost it measures on its first start, the default limits (every
# client comes from 127.0.0.1, as a class behind one NAT). The server runs
# in a loop that starts it again whenever it stops, so the restart storm can
# send it SIGTERM and time everyone's return.
#   bench/storms.sh [full|quick|smoke] [scenarios]   (default: quick, both)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
preset=${1:-quick}
scenarios=${2:-class-start,restart-storm}
profile=release
[ "$preset" = smoke ] && profile=debug
if [ "$profile" = release ]; then
  cargo build -q --release -p tertulia-server -p tertulia-bench
else
  cargo build -q -p tertulia-server -p tertulia-bench
fi
bin=target/$profile
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
# Pinned like compare.sh: the server on one half of the cores, the
# generator on the other (on a 2-core machine: CPU 0 and CPU 1).
cores=$(nproc)
half=$((cores / 2 > 0 ? cores / 2 : 1))
pin_server=() pin_bench=()
if [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
  pin_server=(taskset -c "0-$((half - 1))")
  pin_bench=(taskset -c "$half-$((cores - 1))")
fi
(
  while [ ! -e "$work/stop" ]; do
    "${pin_server[@]}" "$bin/tertulia-server" --no-announce --bind 127.0.0.1 --port "$port" \
      --db "$work/storm.db" 2>>"$work/server.log" &
    echo $! >"$work/server.pid"
    wait $! || true
  done
) &
loop=$!
trap 'touch "$work/stop"; kill "$(cat "$work/server.pid" 2>/dev/null)" 2>/dev/null; wait $loop 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 300); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
"${pin_bench[@]}" "$bin/tertulia-bench" --addr "127.0.0.1:$port" --tls \
  --server-pid-file "$work/server.pid" --preset "$preset" --scenarios "$scenarios" \
  --time-limit 1200
grep -m1 "bcrypt cost" "$work/server.log" >&2 || true
grep -m1 "per password check" "$work/server.log" >&2 || true
