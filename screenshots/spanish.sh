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
python3 screenshots/user.py 17877 ana
python3 screenshots/user.py 17877 luis "say:¡Hola! Ya estoy en el aula de Ana" stay & luis=$!
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
  python3 screenshots/user.py 17877 eva \
    "say:@ana ¿has visto el enunciado? https://campus.ejemplo.es/practica-3 🎉" \
    "private:ana:¿Comemos juntas después del laboratorio? 🙂"
  sleep 2
  DISPLAY=:83 import -window $W screenshots/$2
  kill $client; wait $client 2>/dev/null; client=
}
shot light es-main-window.png
shot dark es-dark.png
