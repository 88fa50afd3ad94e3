# What the benchmark scripts share; sourced, never run.

# Builds the server and the generator for PRESET (smoke: debug, else
# release) and sets `bin` to where they are.
build_for() {
  local profile=release
  [ "$1" = smoke ] && profile=debug
  if [ "$profile" = release ]; then
    cargo build -q --release -p tertulia-server -p tertulia-bench
  else
    cargo build -q -p tertulia-server -p tertulia-bench
  fi
  bin=target/$profile
}

# A loopback port for a server of the script's own.
free_port() { echo $((20000 + RANDOM % 20000)); }

# Waits until something listens on loopback PORT.
wait_port() {
  local _
  for _ in $(seq 300); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done
}

# Starts a throwaway PostgreSQL (the newest installed) with its data in
# DIR, on a free loopback port, as the postgres user when run as root.
# Sets `pg_port`, `pg_pid` (stop it with stop_postgres) and `pg_data`;
# `psql_as_owner ARGS…` runs psql on it.
start_postgres() {
  local dir=$1
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$pg_bin/postgres" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  as_postgres=()
  if [ "$(id -u)" -eq 0 ]; then
    as_postgres=(runuser -u postgres --)
    install -d -o postgres "$dir"
  else
    mkdir -p "$dir"
  fi
  pg_data=$dir/data
  "${as_postgres[@]}" "$pg_bin/initdb" -D "$pg_data" -U tertulia --auth=trust --locale=C -E UTF8 >/dev/null
  pg_port=$(free_port)
  "${as_postgres[@]}" "$pg_bin/postgres" -D "$pg_data" -p "$pg_port" -k "$dir" \
    -c listen_addresses=127.0.0.1 -c max_connections=100 >"$dir/log" 2>&1 &
  pg_pid=$!
  wait_port "$pg_port"
  sleep 0.5
}

psql_as_owner() {
  "${as_postgres[@]}" "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U tertulia "$@"
}

# Stops what start_postgres started (fast shutdown), if it did.
stop_postgres() {
  if [ -n "${pg_pid:-}" ]; then
    kill -INT "$pg_pid" 2>/dev/null || true
    wait "$pg_pid" 2>/dev/null || true
  fi
}
