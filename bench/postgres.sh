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
profile=release
[ "$preset" = smoke ] && profile=debug
if [ "$profile" = release ]; then
  cargo build -q --release -p tertulia-server -p tertulia-bench
else
  cargo build -q -p tertulia-server -p tertulia-bench
fi
bin=target/$profile
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pg_bin/postgres" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
work=$(mktemp -d)
chmod 755 "$work"
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
  as_postgres=(runuser -u postgres --)
  install -d -o postgres "$work/pg"
else
  mkdir "$work/pg"
fi
pg_pid=
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  if [ -n "$pg_pid" ]; then kill -INT "$pg_pid" 2>/dev/null || true; wait "$pg_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
"${as_postgres[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U tertulia --auth=trust --locale=C -E UTF8 >/dev/null
pg_port=$((20000 + RANDOM % 20000))
"${as_postgres[@]}" "$pg_bin/postgres" -D "$work/pg/data" -p "$pg_port" -k "$work/pg" \
  -c listen_addresses=127.0.0.1 -c max_connections=100 >"$work/pg/log" 2>&1 &
pg_pid=$!
for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null && break; sleep 0.1; done
sleep 0.5

for engine in sqlite postgres; do
  for scenario in search paced many-rooms; do
    port=$((20000 + RANDOM % 20000))
    store=(--db "$work/$engine-$scenario.db")
    if [ "$engine" = postgres ]; then
      "${as_postgres[@]}" "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U tertulia -d postgres \
        -c "CREATE DATABASE \"$scenario\"" >/dev/null
      store+=(--database "host=127.0.0.1 port=$pg_port user=tertulia dbname=$scenario")
    fi
    "$bin/tertulia-server" --no-announce --bind 127.0.0.1 --port "$port" "${store[@]}" \
      --bcrypt-cost 4 --message-rate 0 --private-rate 0 --room-rate 0 --request-rate 0 \
      --max-rooms-per-user 100 --max-per-address 100000 --max-anonymous-per-address 100000 \
      --max-anonymous 100000 2>>"$work/server-$engine.log" &
    pid=$!
    for _ in $(seq 300); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    "$bin/tertulia-bench" --addr "127.0.0.1:$port" --tls --server-pid "$pid" \
      --preset "$preset" --scenarios "$scenario" --label "$engine" --time-limit 1800 \
      >>"$work/results.jsonl"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
