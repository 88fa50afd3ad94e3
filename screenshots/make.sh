#!/usr/bin/env bash
# Renders screenshots/*.png from the scripted scenario in
# gui-client/tests/screenshots.rs: the real app against a real server,
# drawn by egui's wgpu renderer (software Vulkan is enough:
# apt-get install mesa-vulkan-drivers).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
cargo test -p tertulia --features screenshots --test screenshots -- --nocapture 2>&1 | grep -E "wrote|panicked|error" || true
ls -la screenshots/*.png
