#!/usr/bin/env bash
# Starts the real `tertulia` client in a real X window (Xvfb, Mesa software
# GL), waits for its window, and checks that it drew something. Catches what
# the kittest tests cannot: missing system libraries, GL setup, start-up panics.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
client=${1:-target/debug/tertulia}
work=$(mktemp -d)
display=:$((90 + RANDOM % 100))
cleanup() {
  [ -n "${client_pid:-}" ] && kill "$client_pid" 2>/dev/null || true
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
# TERTULIA_LAN=off: no mDNS from a test on this machine's network.
export DISPLAY=$display XDG_RUNTIME_DIR=$work HOME=$work TERTULIA_LAN=off
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

"$client" 127.0.0.1:9 >"$work/client.log" 2>&1 &
client_pid=$!
window=$(timeout 30 xdotool search --sync --onlyvisible --pid "$client_pid" --name Tertulia | head -n 1) || true
if [ -z "$window" ]; then
  echo "the client window did not appear"; cat "$work/client.log"; exit 1
fi
sleep 1
kill -0 "$client_pid" || { echo "the client exited"; cat "$work/client.log"; exit 1; }
# The window alone: a blank window must not pass thanks to the black desktop.
import -window "$window" "$work/shot.png"
spread=$(/usr/bin/convert "$work/shot.png" -format '%[fx:standard_deviation]' info:)
awk -v s="$spread" 'BEGIN { exit !(s > 0.01) }' || { echo "the window looks blank (spread $spread)"; exit 1; }
echo "window ok (spread $spread)"
