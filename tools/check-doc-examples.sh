#!/bin/sh
# check-doc-examples.sh [CC] — compiles the example of every docs/api page (the last ```c block,
# under "## Example") against the public headers and links it to the built library, plain and
# with -DUNICODE, as STYLE.md promises. Run from the repository root; BUILD_DIR (default build)
# holds libwtsapi32.
set -eu
cc=${1:-cc}
build=${BUILD_DIR:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
count=0
for page in docs/api/*.md; do
	name=$(basename "$page" .md)
	[ "$name" = README ] && continue
	awk '/^## Example/ { ex = 1 } ex && /^```c$/ { on = 1; code = ""; next }
	     on && /^```$/ { on = 0; last = code; next } on { code = code $0 "\n" }
	     END { printf "%s", last }' "$page" >"$tmp/$name.c"
	if [ ! -s "$tmp/$name.c" ]; then
		echo "$page: no example" >&2
		fail=1
		continue
	fi
	for flavour in "" "-DUNICODE -D_UNICODE"; do
		# shellcheck disable=SC2086
		if ! "$cc" -std=c11 -Wall -Wextra -Werror $flavour -Iinclude \
			$(pkg-config --cflags winpr2) -o "$tmp/$name" "$tmp/$name.c" \
			-L"$build" -lwtsapi32 $(pkg-config --libs winpr2) 2>"$tmp/$name.err"; then
			echo "$page ($flavour): example does not build:" >&2
			cat "$tmp/$name.err" >&2
			fail=1
		fi
	done
	count=$((count + 1))
done
echo "$count examples built"
exit $fail
