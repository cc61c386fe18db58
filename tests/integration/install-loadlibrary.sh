#!/bin/sh
# install-loadlibrary.sh CMAKE BUILD_DIR PROGRAM — installs the build with `cmake --install` into
# a new temporary prefix (no DESTDIR), finds the installed library directory (lib/<multiarch> or
# lib, whichever CMAKE_INSTALL_LIBDIR was), checks that the installed wtsapi32.dll and
# mstlsapi.dll resolve to the installed libwtsapi32 (not to the build tree), then runs PROGRAM
# (winpr_loadlibrary) with LD_LIBRARY_PATH on that directory. Meant to run under
# tests/with-wtsd.sh. Exit status: the program's; 1 for a failure of this script.
set -u
cmake=$1 build=$2 prog=$3

prefix=$(mktemp -d /tmp/openwts-install.XXXXXX) || exit 1
trap 'rm -rf "$prefix"' EXIT
if ! "$cmake" --install "$build" --prefix "$prefix" >"$prefix.log" 2>&1; then
	echo "install-loadlibrary: cmake --install failed:" >&2
	cat "$prefix.log" >&2
	rm -f "$prefix.log"
	exit 1
fi
rm -f "$prefix.log"

libdir=
for d in "$prefix"/lib/*-linux-gnu* "$prefix"/lib64 "$prefix"/lib; do
	if [ -e "$d/wtsapi32.dll" ]; then
		libdir=$d
		break
	fi
done
if [ -z "$libdir" ]; then
	echo "install-loadlibrary: no wtsapi32.dll under $prefix/lib*; installed:" >&2
	find "$prefix" -name '*wtsapi32*' -o -name '*.dll' >&2
	exit 1
fi
echo "install-loadlibrary: library directory ${libdir#"$prefix"/}"

real_prefix=$(realpath "$prefix")
for name in wtsapi32.dll mstlsapi.dll libwtsapi32.so.1; do
	target=$(realpath "$libdir/$name" 2>/dev/null) || {
		echo "install-loadlibrary: $name is missing or dangling in $libdir" >&2
		ls -l "$libdir" >&2
		exit 1
	}
	case $target in
	"$real_prefix"/*) ;;
	*) echo "install-loadlibrary: $name resolves outside the prefix: $target" >&2; exit 1 ;;
	esac
	case ${target##*/} in
	libwtsapi32.so*) ;;
	*) echo "install-loadlibrary: $name resolves to $target, not libwtsapi32" >&2; exit 1 ;;
	esac
done

env -u WTSAPI_LIBRARY -u LD_PRELOAD LD_LIBRARY_PATH="$libdir" "$prog" "$libdir"
