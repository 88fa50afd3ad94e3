#!/usr/bin/env bash
# Builds the two Debian packages into target/debian/:
#   tertulia          the desktop program (menu entry, icon, both languages)
#   tertulia-server   the server, its system user, /var/lib/tertulia,
#                     /etc/tertulia/server.toml and a systemd unit
# with cargo-deb (installed first if missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! cargo deb --version >/dev/null 2>&1; then
  cargo install --locked --quiet cargo-deb
fi
cargo build --release --quiet -p tertulia-server -p tertulia
cargo deb --no-build --strip --quiet -p tertulia-server
cargo deb --no-build --strip --quiet -p tertulia
ls target/debian/*.deb
