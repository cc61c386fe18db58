#!/bin/sh
# test.sh — installs what is needed on a fresh Debian 12 machine, builds OpenWTS and passes the
# whole test suite: the normal build, the same suite under AddressSanitizer + UBSan, and a short
# libFuzzer run of every fuzz target. The tests create sessions, cgroups and users' processes,
# so they run as root (through sudo when started by another user).
#
# FUZZ_SECONDS (default 30) bounds each fuzz target.
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
	exec sudo FUZZ_SECONDS="${FUZZ_SECONDS:-30}" sh "$0" "$@"
fi
sh scripts/deps.sh --test
jobs=$(nproc)

echo "== build and test"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Debug
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== ASan + UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DOPENWTS_SANITIZE=ON
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp" \
	ctest --test-dir build-asan --output-on-failure -j"$jobs"

echo "== fuzz (${FUZZ_SECONDS:-30} s a target)"
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DOPENWTS_FUZZ=ON
cmake --build build-fuzz -j"$jobs" --target fuzzers
FUZZ_SECONDS="${FUZZ_SECONDS:-30}" ctest --test-dir build-fuzz --output-on-failure -R "^fuzz\\."
echo "== all tests passed"
