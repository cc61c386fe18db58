#!/bin/sh
# check-exports.sh NM READELF LIBRARY EXPORTS_LIST — the dynamic symbols LIBRARY defines are
# exactly the names of EXPORTS_LIST (src/wts/exports.list: first word of each line that starts
# with a letter), all of them functions, none missing and none extra; its SONAME is
# libwtsapi32.so.1; and the wtsapi32.dll and mstlsapi.dll beside it resolve to it.
# Exit status 0 when all holds, 1 otherwise (with the differences printed).
set -u
nm=$1 readelf=$2 lib=$3 list=$4

tmp=$(mktemp -d /tmp/openwts-exports.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
rc=0

grep '^[A-Za-z]' "$list" | awk '{ print $1 }' | sort >"$tmp/want"
if [ ! -s "$tmp/want" ] || [ -n "$(uniq -d "$tmp/want")" ]; then
	echo "check-exports: $list is empty or names a function twice:" >&2
	uniq -d "$tmp/want" >&2
	rc=1
fi

# nm -D --defined-only prints "VALUE TYPE NAME[@@VERSION]"; the version node itself is type A.
"$nm" -D --defined-only "$lib" >"$tmp/nm" || exit 1
awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' "$tmp/nm" | sort >"$tmp/have"
awk '$2 != "A" && $2 != "T" { print }' "$tmp/nm" >"$tmp/odd"
if [ -s "$tmp/odd" ]; then
	echo "check-exports: exported symbols that are not functions:" >&2
	cat "$tmp/odd" >&2
	rc=1
fi

missing=$(comm -23 "$tmp/want" "$tmp/have")
extra=$(comm -13 "$tmp/want" "$tmp/have")
if [ -n "$missing" ]; then
	echo "check-exports: in $list but not exported:" >&2
	echo "$missing" >&2
	rc=1
fi
if [ -n "$extra" ]; then
	echo "check-exports: exported but not in $list:" >&2
	echo "$extra" >&2
	rc=1
fi
echo "check-exports: $(wc -l <"$tmp/want") listed, $(wc -l <"$tmp/have") exported"

soname=$("$readelf" -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ "$soname" != libwtsapi32.so.1 ]; then
	echo "check-exports: SONAME is \"$soname\", want libwtsapi32.so.1" >&2
	rc=1
fi

real=$(realpath "$lib")
dir=$(dirname "$lib")
for name in wtsapi32.dll mstlsapi.dll; do
	if [ "$(realpath "$dir/$name" 2>/dev/null)" != "$real" ]; then
		echo "check-exports: $dir/$name does not resolve to $real" >&2
		rc=1
	fi
done
exit $rc
