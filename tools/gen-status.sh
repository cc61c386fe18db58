#!/bin/sh
# gen-status.sh [--check] — generates docs/status.md, the implementation status of every export.
#
# Sources, and the checks that keep them one truth (STYLE.md, "Tests and docs"):
#   src/wts/exports.list   name, status (implemented | partial | not-implemented), DLL, issue
#   docs/api/<name>.md     one page per export: first line "# <name>", a line "Status: <status>"
#                          ("not-implemented" is written "not implemented"), a line
#                          "Tested: <item>; <item>; ..." and an "## Example" section with a
#                          ```c block. Each Tested item is a path under tests/ (a file, a directory
#                          or a glob) optionally followed by a description in parentheses.
#
# The "how tested" column lists each Tested item; an item whose path does not exist yet (a
# missing file, an empty directory, a glob that matches nothing) is marked "planned", so the
# table tells which tests exist. Adding such a test therefore changes docs/status.md: run this
# script again.
#
# Without an option the script writes docs/status.md (only when every page passes the checks).
# With --check it writes nothing and exits non-zero if a page is missing, a page's first line,
# Status, Tested or Example disagrees with the rules above or with exports.list, a page exists for
# a name exports.list does not have, or docs/status.md differs from what would be generated.
#
# SPDX-License-Identifier: Apache-2.0
set -eu

LC_ALL=C
export LC_ALL

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
list="$root/src/wts/exports.list"
api="$root/docs/api"
out="$root/docs/status.md"

check=0
case "${1:-}" in
--check) check=1 ;;
"") ;;
*)
	echo "usage: tools/gen-status.sh [--check]" >&2
	exit 2
	;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gen-status.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

errors="$tmp/errors"
: >"$errors"
error() {
	printf '%s\n' "$*" >>"$errors"
}

# True if a Tested path exists: a file, a directory holding at least one file, or a glob that
# matches at least one file.
exists() {
	for p in "$root"/$1; do
		if [ -f "$p" ]; then
			return 0
		fi
		if [ -d "$p" ] && [ -n "$(find "$p" -type f ! -name '.*' 2>/dev/null | head -n 1)" ]; then
			return 0
		fi
	done
	return 1
}

# Splits a Tested line into its items, one per line: at each ";" outside parentheses.
split_tested() {
	printf '%s\n' "$1" | awk '{
		depth = 0; item = ""
		for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			if (c == "(") depth++
			if (c == ")" && depth > 0) depth--
			if (c == ";" && depth == 0) { print item; item = ""; continue }
			item = item c
		}
		print item
	}' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$' || true
}

# Renders a Tested line for the table: "a (x); b" -> "`a` (x); `b` *(planned)*", with | escaped.
# Fails if an item does not start with a path under tests/.
render_tested() {
	split_tested "$1" >"$tmp/items"
	[ -s "$tmp/items" ] || {
		echo "empty Tested line" >&2
		return 1
	}
	: >"$tmp/rendered"
	while IFS= read -r item; do
		path=${item%% *}
		rest=${item#"$path"}
		case "$path" in
		tests/*) ;;
		*)
			echo "Tested item \"$item\" does not start with a path under tests/" >&2
			return 1
			;;
		esac
		mark=""
		exists "$path" || mark=" *(planned)*"
		# shellcheck disable=SC2016 # the backquotes are Markdown
		printf '`%s`%s%s\n' "$path" "$rest" "$mark" >>"$tmp/rendered"
	done <"$tmp/items"
	sed 's/|/\\|/g' "$tmp/rendered" | awk 'NR > 1 { printf "; " } { printf "%s", $0 } END { print "" }'
}

names="$tmp/names"
rows="$tmp/rows"
: >"$names"
: >"$rows"
n_impl=0
n_part=0
n_none=0

# exports.list rows: name status dll issue
grep '^[A-Za-z]' "$list" | while read -r name status dll issue rest; do
	printf '%s\n' "$name" >>"$names"
	case "$status" in
	implemented) word="implemented" ;;
	partial) word="partial" ;;
	not-implemented) word="not implemented" ;;
	*)
		error "src/wts/exports.list: $name: unknown status \"$status\""
		continue
		;;
	esac
	if [ -z "${issue:-}" ] || [ -n "${rest:-}" ]; then
		error "src/wts/exports.list: $name: expected the columns name status dll issue"
		continue
	fi
	page="$api/$name.md"
	rel="docs/api/$name.md"
	if [ ! -f "$page" ]; then
		error "$rel: missing (every export needs a page)"
		continue
	fi
	first=$(head -n 1 "$page")
	[ "$first" = "# $name" ] || error "$rel: first line is \"$first\", expected \"# $name\""
	nstatus=$(grep -c '^Status: ' "$page" || true)
	pstatus=$(sed -n 's/^Status: //p' "$page" | head -n 1)
	if [ "$nstatus" -ne 1 ]; then
		error "$rel: expected exactly one \"Status:\" line, found $nstatus"
	elif [ "$pstatus" != "$word" ]; then
		error "$rel: Status is \"$pstatus\" but src/wts/exports.list says \"$word\""
	fi
	tested=$(sed -n 's/^Tested: //p' "$page" | head -n 1)
	if [ -z "$tested" ]; then
		error "$rel: no \"Tested:\" line"
		continue
	fi
	if ! awk '/^## Example/ { e = 1 } e && /^```c[[:space:]]*$/ { found = 1 } END { exit !found }' \
		"$page"; then
		error "$rel: no \"## Example\" section with a \`\`\`c block"
	fi
	if ! how=$(render_tested "$tested" 2>"$tmp/msg"); then
		error "$rel: $(cat "$tmp/msg")"
		continue
	fi
	[ "$issue" = "-" ] && issue="—"
	printf '| [%s](api/%s.md) | %s | %s | %s | %s |\n' "$name" "$name" "$dll" "$word" "$issue" \
		"$how" >>"$rows"
done

# Pages without an export (docs/api/README.md describes the pages and is not one).
for page in "$api"/*.md; do
	[ -f "$page" ] || continue
	base=$(basename "$page" .md)
	[ "$base" = "README" ] && continue
	grep -qx "$base" "$names" || error "docs/api/$base.md: \"$base\" is not in src/wts/exports.list"
done

if [ -s "$errors" ]; then
	sed 's/^/gen-status: /' "$errors" >&2
	exit 1
fi

n_all=$(wc -l <"$names" | tr -d ' ')
n_impl=$(grep -c '| implemented |' "$rows" || true)
n_part=$(grep -c '| partial |' "$rows" || true)
n_none=$(grep -c '| not implemented |' "$rows" || true)

{
	echo "# Implementation status"
	echo
	echo "<!-- Generated by tools/gen-status.sh from src/wts/exports.list and docs/api/*.md."
	echo "     Do not edit: change those and run tools/gen-status.sh; --check fails while this file is stale. -->"
	echo
	echo "libwtsapi32 exports $n_all functions: $n_impl implemented, $n_part partial and $n_none not implemented."
	echo
	echo "A function that is not implemented fails with ERROR_CALL_NOT_IMPLEMENTED — the licensing"
	echo "functions return it as their status — until the issue in the table brings it; the partial"
	echo "client channel functions return the CHANNEL_RC_* code of a caller outside a plug-in. Each"
	echo "function's page says how it behaves, how it differs from Windows and which errors it sets."
	echo "\"How tested\" comes from the page's Tested line; *(planned)* marks a test that does not exist"
	echo "yet."
	echo
	echo "| function | DLL | status | issue | how tested |"
	echo "|---|---|---|---|---|"
	cat "$rows"
} >"$tmp/status.md"

if [ "$check" -eq 1 ]; then
	if [ ! -f "$out" ]; then
		echo "gen-status: docs/status.md is missing; run tools/gen-status.sh" >&2
		exit 1
	fi
	if ! cmp -s "$tmp/status.md" "$out"; then
		echo "gen-status: docs/status.md is out of date; run tools/gen-status.sh" >&2
		diff -u "$out" "$tmp/status.md" >&2 || true
		exit 1
	fi
	exit 0
fi

cp "$tmp/status.md" "$out"
