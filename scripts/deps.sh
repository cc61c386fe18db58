#!/bin/sh
# deps.sh [--test] — installs what OpenWTS needs on Debian 12 (run as root or with sudo).
# Without --test: building and running wtsd. With --test: also the test suite's tools.
set -eu
run() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
pkgs="build-essential cmake pkg-config libwinpr2-dev freerdp2-dev libsqlite3-dev
      libsystemd-dev libssl-dev"
if [ "${1:-}" = "--test" ]; then
	# cmocka: unit/api tests; clang + compiler-rt: libFuzzer and sanitizers; util-linux:
	# setpriv for permission tests; binutils: nm/readelf for the export checks.
	pkgs="$pkgs libcmocka-dev clang libclang-rt-14-dev util-linux binutils procps"
fi
run env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs
