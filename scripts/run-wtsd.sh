#!/bin/sh
# run-wtsd.sh — the main job on a fresh Debian 12 machine: installs what is needed, builds
# OpenWTS and runs wtsd in the foreground on its default control socket
# (/run/openwts/wtsd.sock) with its state in /var/lib/openwts. Stop it with Ctrl-C.
# Extra arguments go to wtsd (e.g. --socket /tmp/wtsd.sock --state-dir /tmp/wtsd-state).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF
cmake --build build -j"$(nproc)"
run() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
run mkdir -p /run/openwts
exec_wtsd() { if [ "$(id -u)" -eq 0 ]; then exec "$@"; else exec sudo "$@"; fi; }
exec_wtsd build/wtsd --foreground "$@"
