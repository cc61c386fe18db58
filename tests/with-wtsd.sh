#!/bin/sh
# with-wtsd.sh WTSD COMMAND [ARG...] — runs COMMAND against a throw-away wtsd.
#
# Starts WTSD on a socket and state directory in a new temporary directory, waits until the
# socket answers, exports OPENWTS_SOCKET (the library's and wtsctl's pointer to it) and
# OPENWTS_TEST_DIR (the temporary directory, world-writable so programs spawned as other users
# can leave files there), runs COMMAND, then stops the daemon and removes the directory.
# The exit status is COMMAND's; a daemon that fails to start is exit status 99. WTSD_ARGS adds
# options to wtsd's command line.
set -u
wtsd=$1
shift
dir=$(mktemp -d /tmp/openwts-test.XXXXXX) || exit 99
chmod 0777 "$dir"
sock="$dir/wtsd.sock"
# WTSD_ARGS: more options for this test's wtsd (split on spaces), e.g. a short logoff grace.
# shellcheck disable=SC2086
"$wtsd" --foreground --socket "$sock" --state-dir "$dir/state" ${WTSD_ARGS:-} >"$dir/wtsd.log" 2>&1 &
pid=$!
i=0
# wtsd renames its socket into place once it listens: the file means ready.
while [ ! -S "$sock" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
		echo "with-wtsd: wtsd did not start:" >&2
		cat "$dir/wtsd.log" >&2
		kill $pid 2>/dev/null
		rm -rf "$dir"
		exit 99
	fi
	sleep 0.05
done
OPENWTS_SOCKET=$sock OPENWTS_TEST_DIR=$dir "$@"
rc=$?
kill -TERM $pid 2>/dev/null
wait $pid 2>/dev/null
wrc=$?
if [ $rc -ne 0 ] || [ $wrc -ne 0 ]; then
	echo "--- wtsd log (exit $wrc) ---" >&2
	cat "$dir/wtsd.log" >&2
fi
# Session cgroups of this instance (wtsd logs where): kill what is left, then remove them.
cg=$(sed -n 's/.*sessions live under cgroup \([^ ]*\).*/\1/p' "$dir/wtsd.log" | head -n 1)
if [ -n "$cg" ] && [ -d "$cg" ]; then
	# cgroup.kill of the parent kills the whole subtree at once.
	echo 1 >"$cg/cgroup.kill" 2>/dev/null
	find "$cg" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null ||
		{ sleep 0.3; find "$cg" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null; }
	rmdir "$cg" 2>/dev/null
fi
rm -rf "$dir"
[ $rc -eq 0 ] && [ $wrc -ne 0 ] && rc=98
exit $rc
