#!/usr/bin/env bash
# Proves the benchmark tool still works: a tiny run of every scenario against
# a debug server on loopback; fails on any lost or reordered message.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
cargo build -q -p tertulia-server -p tertulia-bench
target/debug/tertulia-server --bind 127.0.0.1 --port "$port" --bcrypt-cost 4 \
  --db "$work/smoke.db" 2>"$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
target/debug/tertulia-bench --addr "127.0.0.1:$port" --server-pid "$server" --preset smoke \
  --scenarios fan-out,paced,idle,many-rooms,login-storm >"$work/results.jsonl" 2>"$work/table.txt"
python3 - "$work/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 5, rows
bad = [r for r in rows if r["lost"] or r["out_of_order"]]
assert not bad, bad
assert all(r["deliveries"] > 0 for r in rows if r["scenario"] in ("fan-out", "paced", "many-rooms")), rows
print(f"bench smoke ok: {len(rows)} scenarios, nothing lost or reordered")
PY
