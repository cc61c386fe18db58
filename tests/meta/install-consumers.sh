#!/bin/sh
# install-consumers.sh BUILD_DIR SOURCE_DIR — installs the build into a temporary prefix and
# builds two consumers against it: a Windows-style source with nothing but
# `pkg-config --cflags --libs wtsapi32`, and a CMake project with find_package(OpenWTS).
# Both programs then run (without a daemon: they must fail with RPC_S_SERVER_UNAVAILABLE).
set -eu
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
pcdir=$(dirname "$(find "$tmp/prefix" -name wtsapi32.pc | head -n 1)")
libdir=$(dirname "$(find "$tmp/prefix" -name 'libwtsapi32.so.1' | head -n 1)")
# A library built with sanitizers needs their runtime first in the consumer too.
san=""
if readelf -d "$libdir/libwtsapi32.so.1" | grep -q 'libasan'; then
	san="-fsanitize=address,undefined"
fi
cat >"$tmp/app.c" <<'C'
#include <windows.h>
#include <wtsapi32.h>
#include <stdio.h>

int main(void)
{
	PWTS_SESSION_INFO info = NULL;
	DWORD count = 0;
	if (WTSEnumerateSessions(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count)) {
		WTSFreeMemory(info);
		return 0;
	}
	printf("error %lu\n", (unsigned long)GetLastError());
	return GetLastError() == 1722 ? 0 : 1;
}
C
PKG_CONFIG_PATH=$pcdir
export PKG_CONFIG_PATH
# shellcheck disable=SC2046
cc $san -o "$tmp/app" "$tmp/app.c" $(pkg-config --cflags --libs wtsapi32)
OPENWTS_SOCKET=$tmp/none.sock LD_LIBRARY_PATH=$libdir "$tmp/app"

mkdir -p "$tmp/cm"
cp "$tmp/app.c" "$tmp/cm/app.c"
cat >"$tmp/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(consumer C)
find_package(OpenWTS REQUIRED)
add_executable(app app.c)
target_link_libraries(app PRIVATE OpenWTS::wtsapi32)
CM
cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_C_FLAGS="$san" \
	>/dev/null
cmake --build "$tmp/cm/build" >/dev/null
OPENWTS_SOCKET=$tmp/none.sock LD_LIBRARY_PATH=$libdir "$tmp/cm/build/app"
echo "pkg-config and find_package consumers built and ran"
