#!/bin/sh
# run-wtsd.sh — the main job on a fresh Debian 12 machine: installs what is needed, builds
# OpenWTS and runs wtsd in the foreground: control socket /run/openwts/wtsd.sock, state in
# /var/lib/openwts, and an RDP listener on 127.0.0.1:3389 (OPENWTS_LISTEN overrides it) that a
# real client reaches:
#
#	xfreerdp /v:127.0.0.1 /u:demo /p:<password printed below> /cert:ignore
#
# Without a SAM file of your own (OPENWTS_SAM), a demo one is made in the state directory: RDP
# user "demo", a random password printed once on this terminal, logging on as the Linux account
# OPENWTS_DEMO_ACCOUNT (default nobody). Stop wtsd with Ctrl-C. Extra arguments go to wtsd.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build-run -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF
cmake --build build-run -j"$(nproc)"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
state=/var/lib/openwts
as_root mkdir -p /run/openwts "$state"
as_root chmod 0700 "$state"
sam=${OPENWTS_SAM:-}
if [ -z "$sam" ]; then
	sam=$state/demo.sam
	if ! as_root test -s "$sam"; then
		pass=$(od -An -N9 -tx1 /dev/urandom | tr -d ' \n')
		as_root sh -c "umask 077; winpr-hash -u demo -p '$pass' -f sam > '$sam'"
		echo "RDP user: demo   password: $pass   (kept in $sam as a hash only)"
	else
		echo "RDP user: demo (password chosen at the first run; remove $sam for a new one)"
	fi
fi
set -- --foreground --state-dir "$state" --listen "${OPENWTS_LISTEN:-127.0.0.1:3389}" \
	--sam "$sam" --user-map "demo:${OPENWTS_DEMO_ACCOUNT:-nobody}" "$@"
if [ "$(id -u)" -eq 0 ]; then exec build-run/wtsd "$@"; else exec sudo build-run/wtsd "$@"; fi
