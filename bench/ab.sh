#!/usr/bin/env bash
# Alternates two builds of tertulia-server on one scenario, pinned like
# compare.sh (server on the first half of the cores, generator on the
# other), and prints one row per run: on a noisy machine a change is only
# told from noise by alternating old and new, never by one run each.
#
#   bench/ab.sh OLD_SERVER NEW_SERVER SCENARIO [PRESET] [ROUNDS] [--tls]
#   (either server may be the word `relay`: the bare relay, the ceiling)
#   e.g. git worktree add /tmp/old HEAD~3 && (cd /tmp/old && cargo build --release -p tertulia-server)
#        bench/ab.sh /tmp/old/target/release/tertulia-server target/release/tertulia-server many-rooms full 3
#
# Each run gets a fresh database; limits are lifted as in compare.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
old=$1 new=$2 scenario=$3 preset=${4:-full} rounds=${5:-3} tls=${6:-}
ulimit -n "$(ulimit -Hn)"
cargo build --release -q -p tertulia-bench
cores=$(nproc)
half=$((cores / 2))
if ((cores >= 2)); then
  pin_server=(taskset -c "0-$((half - 1))")
  pin_bench=(taskset -c "$half-$((cores - 1))")
  export BENCH_CORES=$((cores - half))
else
  pin_server=() pin_bench=()
  export BENCH_CORES=1
fi
plain=(--plain) bench_tls=()
if [[ $tls == --tls ]]; then plain=() bench_tls=(--tls); fi
work=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

for round in $(seq "$rounds"); do
  for label in old new; do
    server=$old
    [[ $label == new ]] && server=$new
    rm -rf "$work/db"; mkdir "$work/db"
    proto=tertulia
    if [[ $server == relay ]]; then
      proto=irc
      ${pin_server[@]+"${pin_server[@]}"} target/release/tertulia-bench --relay 17992 2>"$work/server.log" &
    else
      ${pin_server[@]+"${pin_server[@]}"} "$server" --no-announce --bind 127.0.0.1 --port 17992 \
        --db "$work/db/ab.db" --bcrypt-cost 4 --outbox-capacity 100000 --max-connections 30000 \
        --login-timeout 600 --idle-timeout 600 ${plain[@]+"${plain[@]}"} \
        --message-rate 0 --private-rate 0 --room-rate 0 --request-rate 0 --max-per-address 100000 \
        --max-anonymous 100000 --max-anonymous-per-address 100000 2>"$work/server.log" &
    fi
    pid=$!
    for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/17992) 2>/dev/null && break; sleep 0.1; done
    echo "round $round, $label:"
    ${pin_bench[@]+"${pin_bench[@]}"} target/release/tertulia-bench --proto "$proto" --addr 127.0.0.1:17992 \
      --server-pid "$pid" --preset "$preset" --scenarios "$scenario" --label "$label" \
      ${bench_tls[@]+"${bench_tls[@]}"} 2>&1 >/dev/null | grep -v '^\s*$' | grep -v '^scenario'
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
