#!/usr/bin/env bash
# Renders screenshots/es-main-window.png (Spanish, light, a private
# conversation in its own window, the unread count in both titles) and
# es-dark.png (the same, dark theme): the real client in real X windows
# (Xvfb, with openbox drawing the title bars) against a real server.
# Build first:  cargo build --release -p tertulia -p tertulia-server
# Needs: apt-get install xvfb xdotool imagemagick openbox
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
w=$(mktemp -d)
server=; client=; xvfb=; luis=; wm=
trap 'for p in $client $luis $server $wm $xvfb; do kill $p 2>/dev/null; done; rm -rf $w' EXIT
Xvfb :83 -screen 0 1280x800x24 -ac >/dev/null 2>&1 & xvfb=$!
sleep 1
# A window manager that leaves the focus where it is when a window opens, as
# when the student is busy elsewhere: the titles then show what waits.
sed 's|<focusNew>yes</focusNew>|<focusNew>no</focusNew>|' /etc/xdg/openbox/rc.xml >$w/rc.xml
DISPLAY=:83 openbox --config-file $w/rc.xml >/dev/null 2>&1 & wm=$!
target/release/tertulia-server --no-announce --bind 127.0.0.1 --port 17877 --db $w/db/a.db 2>$w/server.log & server=$!
sleep 2
fp=$(sed 's/\x1b\[[0-9;]*m//g' $w/server.log | grep -o 'to compare: .*' | cut -c13-)
python3 screenshots/user.py 17877 ana
python3 screenshots/user.py 17877 luis "say:¡Hola! Ya estoy en el aula de Ana" stay & luis=$!
shot() { # theme file what-eva-says
  mkdir -p $w/home/.config/tertulia
  cat >$w/home/.config/tertulia/settings.json <<JSON
{"server":"localhost:17877","login":"ana","pinned":{"localhost:17877":"$fp"},"theme":"$1","language":"es"}
JSON
  HOME=$w/home DISPLAY=:83 LANG=es_ES.UTF-8 TERTULIA_LAN=off target/release/tertulia & client=$!
  sleep 3
  DISPLAY=:83 xdotool search --sync --onlyvisible --pid $client --name Tertulia >/dev/null
  W=$(DISPLAY=:83 xdotool search --sync --onlyvisible --pid $client --name Tertulia | head -1)
  DISPLAY=:83 xdotool windowfocus --sync $W
  DISPLAY=:83 xdotool type --delay 60 "contraseña-1"
  DISPLAY=:83 xdotool key Return
  sleep 2
  python3 screenshots/user.py 17877 eva \
    "say:$3" \
    "private:ana:¿Comemos juntas después del laboratorio? 🙂"
  sleep 2
  DISPLAY=:83 import -window root screenshots/$2
  kill $client; wait $client 2>/dev/null; client=
}
shot light es-main-window.png "@ana ¿has visto el enunciado? https://campus.ejemplo.es/practica-3 🎉"
shot dark es-dark.png "Ya está subido el enunciado 👍 ✅"
