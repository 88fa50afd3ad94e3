#!/usr/bin/env bash
# Renders screenshots/es-main-window.png (Spanish, light, a private
# conversation open) and es-dark.png (the same, dark theme): the real client
# in a real X window (Xvfb) against a real server. Build first:
#   cargo build --release -p tertulia -p tertulia-server
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
w=$(mktemp -d)
server=; client=; xvfb=; luis=
trap 'for p in $client $luis $server $xvfb; do kill $p 2>/dev/null; done; rm -rf $w' EXIT
Xvfb :83 -screen 0 1280x800x24 -ac >/dev/null 2>&1 & xvfb=$!
target/release/tertulia-server --no-announce --bind 127.0.0.1 --port 17877 --db $w/db/a.db 2>$w/server.log & server=$!
sleep 2
fp=$(sed 's/\x1b\[[0-9;]*m//g' $w/server.log | grep -o 'to compare: .*' | cut -c13-)
python3 screenshots/lan-user.py 17877 ana >/dev/null
python3 screenshots/lan-user.py 17877 luis stay >/dev/null & luis=$!
shot() { # theme file
  mkdir -p $w/home/.config/tertulia
  cat >$w/home/.config/tertulia/settings.json <<JSON
{"server":"localhost:17877","login":"ana","pinned":{"localhost:17877":"$fp"},"theme":"$1","language":"es"}
JSON
  HOME=$w/home DISPLAY=:83 LANG=es_ES.UTF-8 TERTULIA_LAN=off target/release/tertulia & client=$!
  sleep 3
  W=$(DISPLAY=:83 xdotool search --sync --onlyvisible --pid $client --name Tertulia | head -1)
  DISPLAY=:83 xdotool windowfocus --sync $W
  DISPLAY=:83 xdotool type --delay 60 "contraseña-1"
  DISPLAY=:83 xdotool key Return
  sleep 2
  python3 - <<'PY'
import json, socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", 17877)), server_hostname="localhost")
f = s.makefile("rwb")
def req(i, **r):
    r["id"] = i; f.write((json.dumps(r) + "\n").encode()); f.flush()
    while True:
        m = json.loads(f.readline())
        if m.get("id") == i: return m
req(1, type="hello", version=1, client="shot")
req(2, type="register", login="eva", first_names="Eva", last_names="Gil", password="contraseña-1", age=20, gender="female")
req(3, type="login", login="eva", password="contraseña-1")
req(4, type="say", text="@ana ¿has visto el enunciado? https://campus.ejemplo.es/practica-3 🎉")
req(5, type="private", to="ana", text="¿Comemos juntas después del laboratorio? 🙂")
PY
  sleep 2
  DISPLAY=:83 import -window $W screenshots/$2
  kill $client; wait $client 2>/dev/null; client=
}
shot light es-main-window.png
shot dark es-dark.png
