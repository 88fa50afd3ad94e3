#!/usr/bin/env bash
# Runs every tertulia-bench scenario against Tertulia, InspIRCd, ngIRCd and
# a bare relay (the ceiling) in one go on this machine, prints each table and the ratio Tertulia / daemon
# per figure, and stops everything it started (by PID).
#
#   bench/compare.sh [full|quick|smoke]      (default: full)
#
# Installs InspIRCd and ngIRCd from Debian if missing (needs root). The
# daemons' limits are raised so that throttling is not what gets measured;
# each setting is explained where it is written below.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
preset=${1:-full}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# Each client is one socket on each side; 10,000 clients need ~10,000
# descriptors per process.
ulimit -n "$(ulimit -Hn)"

for pkg in inspircd ngircd; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
  fi
done
cargo build --release -q -p tertulia-server -p tertulia-bench

# Fair measurement: every server runs on one set of cores and the load
# generator on another (half each; on 2 cores, one each), so a server that
# uses more threads cannot take the generator's CPU, nor the other way
# round. The generator's CPU is recorded next to the server's, and
# ratios.py marks a throughput figure the generator could not keep up with.
cores=$(nproc)
if ((cores >= 2)); then
  half=$((cores / 2))
  server_cpus="0-$((half - 1))"
  bench_cpus="$half-$((cores - 1))"
  pin_server=(taskset -c "$server_cpus")
  pin_bench=(taskset -c "$bench_cpus")
  export BENCH_CORES=$((cores - half))
else
  pin_server=()
  pin_bench=()
  export BENCH_CORES=1
fi
echo "servers on CPUs ${server_cpus:-all}, generator on CPUs ${bench_cpus:-all}"
bench=(${pin_bench[@]+"${pin_bench[@]}"} target/release/tertulia-bench)

wait_port() {
  for _ in $(seq 100); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1"; return 1
}

# --- Tertulia ------------------------------------------------------------
# --bcrypt-cost 4: logins are not what the message scenarios measure (the
#   login storm uses a second instance at the production cost of 12).
# --outbox-capacity 100000: the per-client queue, raised like the daemons'
#   send queues below, so a slow reader in the generator is not disconnected.
# --max-connections 30000: above the largest scenario.
# The abuse limits are lifted like the daemons' flood protection below:
#   --*-rate 0: no rate limits (the fan-out senders go as fast as they can);
#   --max-per-address/--max-anonymous*: every bench client comes from 127.0.0.1.
unlimited=(--message-rate 0 --private-rate 0 --room-rate 0 --request-rate 0
  --max-per-address 100000 --max-anonymous 100000 --max-anonymous-per-address 100000)
# --login-timeout/--idle-timeout 600: bench clients that only listen send no
#   heartbeat (IRC daemons get long ping timeouts below for the same reason).
# --plain: the daemons speak plain text; a second instance below measures
#   the same scenarios over TLS (Tertulia's default).
${pin_server[@]+"${pin_server[@]}"} target/release/tertulia-server --no-announce --bind 127.0.0.1 --port 17878 --db "$work/bench.db" \
  --bcrypt-cost 4 --outbox-capacity 100000 --max-connections 30000 --login-timeout 600 \
  --idle-timeout 600 --plain \
  "${unlimited[@]}" 2>"$work/tertulia.log" &
tertulia_pid=$!; pids+=("$tertulia_pid")
${pin_server[@]+"${pin_server[@]}"} target/release/tertulia-server --no-announce --bind 127.0.0.1 --port 17881 --db "$work/tls.db" \
  --bcrypt-cost 4 --outbox-capacity 100000 --max-connections 30000 --login-timeout 600 \
  --idle-timeout 600 "${unlimited[@]}" 2>"$work/tertulia-tls.log" &
tls_pid=$!; pids+=("$tls_pid")
# --hash-queue 1000: the 100 logins of the storm wait for bcrypt instead of
#   hearing "busy" (the bench would retry them anyway).
${pin_server[@]+"${pin_server[@]}"} target/release/tertulia-server --no-announce --bind 127.0.0.1 --port 17879 --db "$work/storm.db" \
  --bcrypt-cost 12 --max-connections 30000 --hash-queue 1000 --plain "${unlimited[@]}" \
  2>"$work/tertulia-storm.log" &
storm_pid=$!; pids+=("$storm_pid")
# The abuse scenario runs against the defaults, every limit on: only the
# bcrypt cost is lowered, as above. Its clients come from 127.0.1.x, one
# address each, like machines in a lab; the attackers from 127.0.0.2-4.
${pin_server[@]+"${pin_server[@]}"} target/release/tertulia-server --no-announce --bind 127.0.0.1 --port 17880 --db "$work/abuse.db" \
  --bcrypt-cost 4 --idle-timeout 600 --plain 2>"$work/tertulia-abuse.log" &
abuse_pid=$!; pids+=("$abuse_pid")

# --- InspIRCd 3 ----------------------------------------------------------
# <connect>: one class for everyone, limits lifted:
#   localmax/globalmax/limit: connections per IP and in total (all from 127.0.0.1);
#   hardsendq/softsendq: bytes queued for a client before it is dropped/delayed;
#   recvq: bytes a client may have unprocessed;
#   threshold/commandrate/fakelag: flood penalty (commands per second) and
#   whether a flooder is delayed; effectively off;
#   pingfreq/timeout: no keep-alive traffic during a run;
#   resolvehostnames/useident: no DNS or ident lookups per connection.
# <performance netbuffersize>: read buffer per read call; softlimit: max sockets.
cat >"$work/inspircd.conf" <<EOF
<server name="bench.inspircd" description="bench" network="bench">
<admin name="bench" nick="bench" email="bench@localhost">
<bind address="127.0.0.1" port="16667" type="clients">
<connect name="main" allow="*" maxchans="100" timeout="60" pingfreq="10m"
         hardsendq="64M" softsendq="64M" recvq="64M" threshold="1000000"
         commandrate="100000000" fakelag="no" localmax="100000" globalmax="100000"
         limit="100000" resolvehostnames="no" useident="no" maxconnwarn="no">
<performance netbuffersize="65536" softlimit="30000" clonesonconnect="no" quietbursts="yes">
<options defaultmodes="nt">
<pid file="$work/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="$work/inspircd.log">
EOF
${pin_server[@]+"${pin_server[@]}"} inspircd --runasroot --nofork --config "$work/inspircd.conf" >"$work/inspircd.out" 2>&1 &
inspircd_pid=$!; pids+=("$inspircd_pid")

# --- ngIRCd 26 -----------------------------------------------------------
# MaxConnections/MaxConnectionsIP = 0: no limit on connections;
# MaxJoins = 0: channels per user unlimited; MaxPenaltyTime = 0: flood
# penalties off; Ping/PongTimeout long: no keep-alive traffic; DNS/Ident off.
# ngIRCd's per-client write buffer limit is compiled in (not configurable).
cat >"$work/ngircd.conf" <<EOF
[Global]
	Name = bench.ngircd
	Info = bench
	Listen = 127.0.0.1
	Ports = 16668
	PidFile = $work/ngircd.pid
[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxPenaltyTime = 0
	PingTimeout = 600
	PongTimeout = 600
[Options]
	DNS = no
	Ident = no
	PAM = no
EOF
${pin_server[@]+"${pin_server[@]}"} ngircd --nodaemon --config "$work/ngircd.conf" >"$work/ngircd.out" 2>&1 &
ngircd_pid=$!; pids+=("$ngircd_pid")

# --- A bare relay ----------------------------------------------------------
# What loopback, tokio and line framing allow here: just enough IRC to carry
# the generator's lines, nothing else (bench/src/relay.rs).
${pin_server[@]+"${pin_server[@]}"} target/release/tertulia-bench --relay 16669 &
relay_pid=$!; pids+=("$relay_pid")

for port in 17878 17879 17880 17881 16667 16668 16669; do wait_port "$port"; done

run() { # label proto port pid scenarios [bench options…]
  echo "== $1 =="
  "${bench[@]}" --proto "$2" --addr "127.0.0.1:$3" --server-pid "$4" --preset "$preset" \
    --label "$1" --scenarios "$5" "${@:6}" >>"$work/results.jsonl"
}
scenarios=fan-out,paced,idle,many-rooms
run tertulia tertulia 17878 "$tertulia_pid" "$scenarios"
run tertulia tertulia 17879 "$storm_pid" login-storm
run tertulia tertulia 17878 "$tertulia_pid" quiet-lab
run tertulia tertulia 17878 "$tertulia_pid" file-transfer
run tertulia tertulia 17878 "$tertulia_pid" join-storm
run tertulia tertulia 17880 "$abuse_pid" abuse
run tertulia-tls tertulia 17881 "$tls_pid" fan-out,paced,idle --tls
run inspircd irc 16667 "$inspircd_pid" "$scenarios,login-storm,join-storm"
run ngircd irc 16668 "$ngircd_pid" "$scenarios,login-storm,join-storm"
run relay irc 16669 "$relay_pid" "$scenarios,join-storm"

python3 bench/ratios.py "$work/results.jsonl"
cp "$work/results.jsonl" "${RESULTS:-/tmp/tertulia-compare.jsonl}"
