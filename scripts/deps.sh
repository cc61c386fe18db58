#!/bin/sh
# deps.sh [--test | --bench] — installs what OpenWTS needs on Debian 12 (run as root or sudo).
# Without an option: building and running wtsd. --test: also the test suite's tools. --bench:
# also what bench/run.sh compares with (bench/README.md).
set -eu
run() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# freerdp2-dev brings libfreerdp-server2 (the RDP listener); libssl-dev: OpenSSL 3 for the
# generated TLS certificate.
# winpr-utils: winpr-hash, which makes the SAM file of RDP users. libpam0g-dev: PAM logons
# (its runtime, libpam0g, and libpam-modules with pam_permit/pam_deny for the tests come along).
pkgs="build-essential cmake pkg-config libwinpr2-dev freerdp2-dev libfreerdp-server2-2
      libsqlite3-dev libsystemd-dev libssl-dev winpr-utils libpam0g-dev libpam-modules"
if [ "${1:-}" = "--test" ]; then
	# cmocka: unit/api tests; clang + compiler-rt: libFuzzer and sanitizers; util-linux:
	# setpriv for permission tests; binutils: nm/readelf for the export checks; freerdp2-x11,
	# xvfb, xauth (only recommended by xvfb) and winpr-utils (winpr-hash): the RDP e2e tests;
	# libx11-dev: tests/e2e/xresize, which resizes the client's window.
	pkgs="$pkgs libcmocka-dev clang libclang-rt-14-dev util-linux binutils procps
	      freerdp2-x11 xvfb xauth winpr-utils libx11-dev"
fi
if [ "${1:-}" = "--bench" ]; then
	# procps: ps, the baseline of benchmark 1; freerdp2-x11, xvfb, xauth: the client of
	# benchmarks 4-7; freerdp2-shadow-x11: freerdp-shadow-cli, the baseline of benchmark 6;
	# openssl: the baseline server's certificate.
	pkgs="$pkgs procps freerdp2-x11 xvfb xauth freerdp2-shadow-x11 openssl"
fi
run env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs
