#!/usr/bin/env bash
# Issue 24's figures: one chat on one node (its SQLite file, then
# PostgreSQL) beside the same chat on two nodes sharing PostgreSQL and NATS
# (docs/SCALING.md), the clients split over the nodes, in the same run:
# fan-out deliveries/s and the paced p99, and the CPU of every process the
# chat needs (nodes, nats-server, PostgreSQL), summed into the generator's
# "srv cpu" column and printed apiece below. PostgreSQL and nats-server are
# throwaway ones, started here on free loopback ports and stopped by PID.
# The benchmark room is made on one node and joined on both.
#   bench/cluster.sh [quick|smoke]   (default: quick)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
preset=${1:-quick}
. bench/lib.sh
nats_bin=$(command -v nats-server || echo /usr/sbin/nats-server)
[ -x "$nats_bin" ] || { echo "nats-server is not installed (apt-get install nats-server)" >&2; exit 1; }
build_for "$preset"
work=$(mktemp -d)
chmod 755 "$work"
nats_pid=
started=()  # the nodes (started in subshells: not this shell's jobs)
cleanup() {
  kill $(jobs -p) "${started[@]}" 2>/dev/null || true
  # The nodes say goodbye through NATS and PostgreSQL: a moment before
  # those stop, and no node outlives the script.
  local pid
  for pid in "${started[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ -n "$nats_pid" ]; then kill "$nats_pid" 2>/dev/null || true; fi
  stop_postgres
  rm -rf "$work"
}
trap cleanup EXIT
start_postgres "$work/pg"
nats_port=$(free_port)
"$nats_bin" -a 127.0.0.1 -p "$nats_port" >"$work/nats.log" 2>&1 &
nats_pid=$!
wait_port "$nats_port"

# PostgreSQL's processes: the postmaster (the first line of its PID file;
# $pg_pid may be runuser's) and its children, the nodes' connections among
# them.
pg_pids() {
  local master
  master=$(head -n 1 "$pg_data/postmaster.pid")
  echo "$master" $(pgrep -P "$master" || true)
}
cpu() { # total user+system seconds of the given PIDs
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    total=$(awk -v t="$total" '{ sub(/.*\) /, ""); split($0, f, " "); printf "%.2f", t + (f[12] + f[13]) / 100 }' "/proc/$pid/stat")
  done
  echo "$total"
}
database() {
  psql_as_owner -d postgres -c "CREATE DATABASE \"$1\"" >/dev/null
  echo "host=127.0.0.1 port=$pg_port user=tertulia dbname=$1"
}
node() { # port store… : starts a node, prints its PID
  local port=$1; shift
  "$bin/tertulia-server" --no-announce --bind 127.0.0.1 --port "$port" "$@" \
    --bcrypt-cost 4 --message-rate 0 --private-rate 0 --room-rate 0 --request-rate 0 \
    --max-per-address 100000 --max-anonymous-per-address 100000 --max-anonymous 100000 \
    >/dev/null 2>>"$work/nodes.log" &
  echo $!
}

run() { # label addrs pids processes-to-report…
  local label=$1 addrs=$2 pids=$3; shift 3
  local -A before=()
  local name
  for name in "$@"; do before[$name]=$(cpu ${!name}); done
  "$bin/tertulia-bench" --addr "$addrs" --tls --server-pid "$pids" --preset "$preset" \
    --scenarios fan-out,paced --label "$label" --time-limit 1800 >>"$work/results.jsonl"
  for name in "$@"; do
    printf '  %-10s %-8s CPU %6.2f s\n' "$label" "$name" \
      "$(awk -v a="$(cpu ${!name})" -v b="${before[$name]}" 'BEGIN { print a - b }')" >&2
  done
}

# One node, its SQLite file.
port=$(free_port)
sqlite_node=$(node "$port" --db "$work/one.db")
started+=("$sqlite_node")
wait_port "$port"
run one-sqlite "127.0.0.1:$port" "$sqlite_node" sqlite_node
kill "$sqlite_node"; wait "$sqlite_node" 2>/dev/null || true

# One node on PostgreSQL.
port=$(free_port)
address=$(database single)
pg_node=$(node "$port" --db "$work/pg-one.db" --database "$address")
started+=("$pg_node")
wait_port "$port"
postgres_all=$(pg_pids | tr ' ' ',')
pg_list=$(pg_pids)
run one-postgres "127.0.0.1:$port" "$pg_node,$postgres_all" pg_node pg_list
kill "$pg_node"; wait "$pg_node" 2>/dev/null || true

# Two nodes, one chat.
address=$(database cluster)
port_a=$(free_port); port_b=$(free_port)
node_a=$(node "$port_a" --db "$work/a.db" --database "$address" \
  --cluster "nats://127.0.0.1:$nats_port" --node-id a)
node_b=$(node "$port_b" --db "$work/b.db" --database "$address" \
  --cluster "nats://127.0.0.1:$nats_port" --node-id b)
started+=("$node_a" "$node_b")
wait_port "$port_a"; wait_port "$port_b"
sleep 0.5
postgres_all=$(pg_pids | tr ' ' ',')
pg_list=$(pg_pids)
run two-nodes "127.0.0.1:$port_a,127.0.0.1:$port_b" \
  "$node_a,$node_b,$nats_pid,$postgres_all" node_a node_b nats_pid pg_list
