#!/usr/bin/env bash
# Renders screenshots/server-list.png, hosting-start.png and hosting.png: the
# real client in a real X window (Xvfb), two dedicated servers and a hosted
# chat announcing themselves on a private network namespace (needs root and
# iproute2; mDNS never leaves the machine). Build first:
#   cargo build --release -p tertulia -p tertulia-server
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ns=shot$$
ip netns add $ns
client=; xvfb=
trap 'pkill -f "shot-db"; [ -n "$client" ] && kill $client; kill $xvfb 2>/dev/null; ip netns del $ns' EXIT
ip -n $ns link set lo up
ip -n $ns link add d0 type veth peer name d1
ip -n $ns link set d1 up
ip -n $ns addr add 10.9.9.1/24 dev d0
ip -n $ns link set d0 up
ip -n $ns link set d0 multicast on
w=$(mktemp -d)
Xvfb :81 -screen 0 1280x800x24 -ac >/dev/null 2>&1 & xvfb=$!
sleep 1
ip netns exec $ns target/release/tertulia-server --port 7879 --name "Laboratorio 3" --db $w/shot-db1/a.db 2>$w/s1.log &
ip netns exec $ns target/release/tertulia-server --port 7880 --name "Biblioteca" --db $w/shot-db2/a.db 2>$w/s2.log &
sleep 1
export DISPLAY=:81
HOME=$w/home ip netns exec $ns env HOME=$w/home DISPLAY=:81 target/release/tertulia > $w/c.log 2>&1 &
client=$!
sleep 5
W=$(xdotool search --sync --onlyvisible --name Tertulia | head -1)
import -window $W screenshots/server-list.png
xdotool mousemove --window $W 114 184 click 1
sleep 4
import -window $W screenshots/hosting-start.png
ip netns exec $ns python3 screenshots/user.py 7878 ana
ip netns exec $ns python3 screenshots/user.py 7878 luis "say:¡Hola! Ya estoy en el aula de Ana" stay &
sleep 1
xdotool windowfocus --sync $W
xdotool mousemove --window $W 664 288 click 1
xdotool type --delay 40 "ana"
xdotool mousemove --window $W 664 347 click 1
xdotool type --delay 60 "contraseña-1"
xdotool key Return
sleep 4
import -window $W screenshots/hosting.png
rm -rf $w
