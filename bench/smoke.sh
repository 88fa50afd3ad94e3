#!/usr/bin/env bash
# Proves the benchmark tool still works: a tiny run of every scenario against
# a debug server on loopback; fails on any lost or reordered message.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
cargo build -q -p tertulia-server -p tertulia-bench
# The load scenarios run with the rate limits lifted (as in compare.sh), in
# plain text; the abuse scenario over TLS against a second server with every
# default limit on.
target/debug/tertulia-server --no-announce --bind 127.0.0.1 --port "$port" --bcrypt-cost 4 \
  --db "$work/smoke.db" --message-rate 0 --private-rate 0 --room-rate 0 --request-rate 0 \
  --idle-timeout 600 --plain \
  2>"$work/server.log" &
server=$!
target/debug/tertulia-server --no-announce --bind 127.0.0.1 --port "$((port + 1))" --bcrypt-cost 4 \
  --db "$work/abuse.db" --idle-timeout 600 2>"$work/abuse.log" &
abuse=$!
trap 'kill $server $abuse 2>/dev/null; rm -rf "$work"' EXIT
for p in "$port" "$((port + 1))"; do
  for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.1; done
done
target/debug/tertulia-bench --addr "127.0.0.1:$port" --server-pid "$server" --preset smoke \
  --scenarios fan-out,paced,idle,many-rooms,login-storm,quiet-lab,file-transfer,join-storm >"$work/results.jsonl" 2>"$work/table.txt"
target/debug/tertulia-bench --addr "127.0.0.1:$((port + 1))" --server-pid "$abuse" --preset smoke \
  --scenarios abuse --tls >>"$work/results.jsonl" 2>>"$work/table.txt"
python3 - "$work/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 12, rows
bad = [r for r in rows if r["lost"] or r["out_of_order"] or r.get("error")]
assert not bad, bad
assert all(r["deliveries"] > 0 for r in rows if r["scenario"] in ("fan-out", "paced", "many-rooms", "abuse", "abuse-base", "file-transfer")), rows
assert any("MB upload:" in r["params"] for r in rows if r["scenario"] == "file-transfer"), rows
abuse = [r for r in rows if r["scenario"].startswith("abuse")]
assert all(" 0 legitimate clients disconnected" in r["params"] for r in abuse), abuse
print(f"bench smoke ok: {len(rows)} scenarios, nothing lost or reordered, no legitimate client disconnected")
PY
