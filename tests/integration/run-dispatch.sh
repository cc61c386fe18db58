#!/bin/sh
# run-dispatch.sh MODE PROGRAM LIBRARY WTSCTL READELF [ASAN_RUNTIME] — runs winpr_dispatch, a
# program linked to libwinpr2 only, in one of three ways; meant to run under tests/with-wtsd.sh
# (OPENWTS_SOCKET names the throw-away wtsd).
#
#	env	WTSAPI_LIBRARY=LIBRARY: WinPR's stubs load LIBRARY and use its InitWtsApi
#		table.
#	preload	LD_PRELOAD=LIBRARY, no WTSAPI_LIBRARY: the program's WTS* references bind to
#		LIBRARY before WinPR's stubs. ASAN_RUNTIME, when given, is preloaded first (an ASan
#		library needs the ASan runtime first in the initial library list); the word "none"
#		means the build uses ASan but its runtime was not found, and the test is skipped.
#	stubs	neither: the negative control, WinPR's stubs must not reach OpenWTS.
#
# In env and preload modes a session is created with WTSCTL first; the program must list it.
# First checks that PROGRAM is not linked to libwtsapi32 (the premise of the test).
# Exit status: the program's; 77 for a skip; 1 for a failure of this script.
set -u
mode=$1 prog=$2 lib=$3 wtsctl=$4 readelf=$5 asan=${6:-}

if "$readelf" -d "$prog" | grep -q 'NEEDED.*libwtsapi32'; then
	echo "run-dispatch: $prog is linked to libwtsapi32; it must reach it through WinPR only" >&2
	exit 1
fi
if ! "$readelf" -d "$prog" | grep -q 'NEEDED.*libwinpr2'; then
	echo "run-dispatch: $prog is not linked to libwinpr2" >&2
	exit 1
fi

create_session() {
	out=$("$wtsctl" create-session 65534) || { echo "run-dispatch: wtsctl failed" >&2; exit 1; }
	id=${out%% *}
	case $id in
	'' | *[!0-9]*) echo "run-dispatch: wtsctl printed \"$out\"" >&2; exit 1 ;;
	esac
	echo "run-dispatch: created session $id"
}

case $mode in
env)
	create_session
	exec env -u LD_PRELOAD WTSAPI_LIBRARY="$lib" "$prog" openwts "$id"
	;;
preload)
	if [ "$asan" = none ]; then
		echo "SKIP: ASan build, but the ASan runtime library was not found:" \
			"LD_PRELOAD of an ASan-built libwtsapi32 needs it preloaded first" >&2
		exit 77
	fi
	create_session
	exec env -u WTSAPI_LIBRARY LD_PRELOAD="${asan:+$asan }$lib" "$prog" openwts "$id"
	;;
stubs)
	exec env -u WTSAPI_LIBRARY -u LD_PRELOAD "$prog" stubs
	;;
*)
	echo "usage: run-dispatch.sh env|preload|stubs PROGRAM LIBRARY WTSCTL READELF [ASAN]" >&2
	exit 2
	;;
esac
