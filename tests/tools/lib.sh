# lib.sh — sourced by the tests of the administration tools (tests/tools/*.sh).
#
# The tools' paths come from the environment (QWINSTA, QPROCESS, TSKILL, RWINSTA, TSDISCON,
# LOGOFF, WTSCTL; tests/tools/CMakeLists.txt sets them); the daemon from tests/with-wtsd.sh,
# which exports OPENWTS_SOCKET. A test exits 0 when it passes, 1 when it fails (saying why on
# stderr) and 77 when it is skipped (saying why).

set -u
work=$(mktemp -d /tmp/openwts-tools-test.XXXXXX) || exit 1
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT

fail()
{
	echo "FAIL: $*" >&2
	[ -n "${OUT+x}" ] && printf '%s\n' "--- stdout:" "$OUT" >&2
	[ -n "${ERR+x}" ] && printf '%s\n' "--- stderr:" "$ERR" >&2
	exit 1
}

skip()
{
	echo "SKIP: $*" >&2
	exit 77
}

# run COMMAND [ARG...]: runs it; OUT and ERR get its output, RC its exit status.
run()
{
	"$@" >"$work/out" 2>"$work/err"
	RC=$?
	OUT=$(cat "$work/out")
	ERR=$(cat "$work/err")
}

# expect_rc N WHAT: the last run exited with N.
expect_rc()
{
	[ "$RC" -eq "$1" ] || fail "$2: exit status $RC, expected $1"
}

# expect_out_line LINE WHAT / expect_err_has TEXT WHAT: stdout has exactly that line; stderr
# contains that text.
expect_out_line()
{
	printf '%s\n' "$OUT" | grep -Fxq -- "$1" || fail "$2: no line '$1'"
}

expect_err_has()
{
	printf '%s\n' "$ERR" | grep -Fq -- "$1" || fail "$2: stderr lacks '$1'"
}

# need_root: wtsctl create-session needs root (it starts programs as another user).
need_root()
{
	[ "$(id -u)" -eq 0 ] || skip "creating sessions needs root"
}

# create_session [PROGRAM]: a session of nobody (uid 65534) running 'PROGRAM 300' (default
# /bin/sleep); sets SESSION and PID.
create_session()
{
	need_root
	# shellcheck disable=SC2046 # "SESSION_ID PID", split on purpose
	set -- $("$WTSCTL" create-session 65534 "${1:-/bin/sleep}" 300) ||
		fail "wtsctl create-session 65534 ${1:-/bin/sleep} 300 failed"
	[ $# -eq 2 ] || fail "wtsctl create-session printed '$*'"
	# shellcheck disable=SC2034 # used by the scripts that source this file
	SESSION=$1 PID=$2
}

# wait_gone PID: waits up to 5 s for /proc/PID to disappear (wtsd reaps what it spawned).
wait_gone()
{
	i=0
	while [ -e "/proc/$1" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || return 1
		sleep 0.05
	done
	return 0
}

# api_status FUNCTION: "implemented", "partial" or "not implemented", from docs/api.
api_status()
{
	sed -n 's/^Status: //p' "$(dirname "$0")/../../docs/api/$1.md"
}

# have_python: whether python3 runs here (JSON checks fall back to grep without it).
have_python()
{
	command -v python3 >/dev/null 2>&1 && python3 -c 'import json' 2>/dev/null
}

# session_line MARK NAME USER ID STATE: a line of qwinsta's default table, as Windows lays it out
# (trailing blanks trimmed).
session_line()
{
	printf '%s%-17s %-20s%7s  %s' "$1" "$2" "$3" "$4" "$5" | sed 's/ *$//'
}

# process_line MARK USER SESSIONNAME ID PID IMAGE: a line of qprocess's table.
process_line()
{
	printf '%s%-21s %-17s %4s%7s  %s' "$1" "$2" "$3" "$4" "$5" "$6"
}
