#!/usr/bin/env bash
# A node on PostgreSQL (--database) beside the same node on its SQLite
# file, in the same run: the log's writing and searching (`search`), a
# room's fan-out with its latency (`paced`) and many rooms at once
# (`many-rooms`). PostgreSQL is a throwaway one, started here on a free
# loopback port with its data in a temporary folder (fsync on, as a real
# server has it) and stopped by its PID at the end.
#   bench/postgres.sh [quick|smoke]   (default: quick)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
preset=${1:-quick}
. bench/lib.sh
build_for "$preset"
work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  stop_postgres
  rm -rf "$work"
}
trap cleanup EXIT
start_postgres "$work/pg"

for engine in sqlite postgres; do
  for scenario in search paced many-rooms; do
    port=$(free_port)
    store=(--db "$work/$engine-$scenario.db")
    if [ "$engine" = postgres ]; then
      psql_as_owner -d postgres -c "CREATE DATABASE \"$scenario\"" >/dev/null
      store+=(--database "host=127.0.0.1 port=$pg_port user=tertulia dbname=$scenario")
    fi
    "$bin/tertulia-server" --no-announce --bind 127.0.0.1 --port "$port" "${store[@]}" \
      --bcrypt-cost 4 --message-rate 0 --private-rate 0 --room-rate 0 --request-rate 0 \
      --max-rooms-per-user 100 --max-per-address 100000 --max-anonymous-per-address 100000 \
      --max-anonymous 100000 2>>"$work/server-$engine.log" &
    pid=$!
    wait_port "$port"
    "$bin/tertulia-bench" --addr "127.0.0.1:$port" --tls --server-pid "$pid" \
      --preset "$preset" --scenarios "$scenario" --label "$engine" --time-limit 1800 \
      >>"$work/results.jsonl"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
