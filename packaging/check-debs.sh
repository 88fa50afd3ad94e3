#!/usr/bin/env bash
# What a lab technician does with the two packages, checked on this machine
# (as root, as .ci/run runs): build them, lintian, install them with dpkg -i,
# start the installed server from its unit's command line as the tertulia
# user, connect a client, then remove them (the data stays) and purge them
# (the data goes). Leaves nothing installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash packaging/build-debs.sh >/dev/null
server_deb=$(ls target/debian/tertulia-server_*.deb)
client_deb=$(ls target/debian/tertulia_*.deb)
lintian --fail-on error --suppress-tags no-manual-page,initial-upload-closes-no-bugs \
  "$server_deb" "$client_deb" 2> >(grep -v 'root privileges' >&2)

apt_quiet() { DEBIAN_FRONTEND=noninteractive apt-get "$@" -y -qq >/dev/null 2>&1; }
fail() { echo "check-debs: $*" >&2; exit 1; }
# Whatever an earlier run left goes first (its settings too).
leave_nothing() { dpkg --purge tertulia-server tertulia >/dev/null 2>&1 || true; }
leave_nothing
trap leave_nothing EXIT
# As a technician would: dpkg -i (their dependencies are on the machine).
dpkg -i "$server_deb" "$client_deb" >/dev/null 2>&1 || fail "dpkg -i could not install the packages"

# Installed: the programs, the menu entry, the unit, the user and its data directory.
for file in /usr/bin/tertulia /usr/bin/tertulia-server /usr/share/applications/tertulia.desktop \
  /usr/share/icons/hicolor/256x256/apps/tertulia.png /etc/tertulia/server.toml \
  /usr/lib/systemd/system/tertulia-server.service; do
  [ -e "$file" ] || fail "$file was not installed"
done
getent passwd tertulia >/dev/null || fail "no tertulia user"
[ "$(stat -c %U:%a /var/lib/tertulia)" = tertulia:700 ] || fail "/var/lib/tertulia is $(stat -c %U:%a /var/lib/tertulia)"
grep -q 'x-scheme-handler/tertulia' /usr/share/applications/tertulia.desktop || fail "no tertulia:// handler"
[ -e /etc/systemd/system/multi-user.target.wants/tertulia-server.service ] || fail "the unit is not enabled"

# The technician's settings: here a test port on loopback, not announced
# (mDNS must not leave this machine).
port=$((20000 + RANDOM % 20000))
printf 'bind = "127.0.0.1"\nport = %s\nno-announce = true\n' "$port" >>/etc/tertulia/server.toml
exec_start=$(sed -n 's/^ExecStart=//p' /usr/lib/systemd/system/tertulia-server.service)
log=$(mktemp)
# shellcheck disable=SC2086 # the unit's command line, split as systemd does
runuser -u tertulia -- $exec_start 2>"$log" &
server=$!
for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
python3 - "$port" <<'PY' || { cat "$log" >&2; fail "a client could not sign up and log in"; }
import json, socket, ssl, sys
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE  # the server's own self-signed certificate
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as raw:
    with context.wrap_socket(raw, server_hostname="localhost") as tls:
        lines = tls.makefile("rwb")
        def ask(request):
            lines.write((json.dumps(request) + "\n").encode()); lines.flush()
            while True:
                answer = json.loads(lines.readline())
                if answer.get("id") == request["id"]:
                    return answer
        assert ask({"id": 1, "type": "hello", "version": 1, "client": "check-debs"})["type"] == "reply"
        form = {"first_names": "Ana", "last_names": "Pérez", "login": "ana",
                "password": "contraseña segura", "age": 30, "gender": "female"}
        assert ask({"id": 2, "type": "register", **form})["type"] == "reply"
        answer = ask({"id": 3, "type": "login", "login": "ana", "password": "contraseña segura"})
        assert answer["result"]["type"] == "logged_in" and answer["result"]["token"], answer
PY
kill "$server"; wait "$server" || true
[ -s /var/lib/tertulia/accounts.db ] || fail "the server did not keep its database in /var/lib/tertulia"
[ "$(stat -c %U /var/lib/tertulia/accounts.db)" = tertulia ] || fail "the database is not the tertulia user's"

# Removing keeps the data (and the settings); purging deletes them.
apt_quiet remove tertulia-server tertulia
[ ! -e /usr/bin/tertulia-server ] && [ ! -e /usr/bin/tertulia ] || fail "remove left the programs"
[ -s /var/lib/tertulia/accounts.db ] || fail "remove deleted the database"
[ -e /etc/tertulia/server.toml ] || fail "remove deleted the settings"
dpkg --purge tertulia-server tertulia >/dev/null 2>&1 || fail "dpkg could not purge the packages"
[ ! -e /var/lib/tertulia ] || fail "purge left /var/lib/tertulia"
[ ! -e /etc/tertulia/server.toml ] || fail "purge left /etc/tertulia/server.toml"
[ ! -e /etc/systemd/system/multi-user.target.wants/tertulia-server.service ] || fail "purge left the unit enabled"
! getent passwd tertulia >/dev/null || fail "purge left the tertulia user"
echo "debs ok: lintian clean, installed, served a client as the tertulia user, removed (data kept), purged (data gone)"
