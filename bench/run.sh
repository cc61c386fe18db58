#!/bin/bash
# bench/run.sh — builds and runs the OpenWTS benchmarks and prints a table of ratios against
# baselines measured in the same run (method: bench/README.md).
#
#	bench/run.sh [--quick]
#
#   1. WTSEnumerateProcessesExW (level 1 and 0, WTS_ANY_SESSION) against
#      `ps -e -o pid,sess,uid,comm`, with 2,000 extra `sleep` processes, 200 of them in 20 wtsd
#      sessions;                                                       goal <= 0.5 x ps
#   2. ProcessIdToSessionId against libsystemd's sd_pid_get_session on the same pids;
#                                                                      goal >= 1 x
#   3. WTSEnumerateSessionsW + WTSFreeMemory with 10,000 sessions in the registry, against the
#      same call with session 0 alone; wtsd's VmRSS and VmHWM at both sizes.  goal <= 5 ms
#   4. Virtual channels, dynamic (xfreerdp /echo) and static (an echo plug-in): throughput of
#      64 KiB messages and 64-byte round trips, an app through wtsd against an app inside a plain
#      FreeRDP server (bench/channels.sh; skipped without xfreerdp / xvfb-run).
#                                         goal >= 0.9 x throughput, <= +50 us median round trip
#   5. Client plug-ins: receive throughput of a Windows-style plug-in in xfreerdp through the
#      OpenWTS bridge against the same logic as a native FreeRDP addin, same test server and
#      connection (bench/bench_vc_client.sh; skipped without xfreerdp / xvfb-run). goal >= 0.95 x
#   6. Connect time, TCP connect to CONNECTION_STATE_ACTIVE in xfreerdp's log, wtsd against
#      freerdp-shadow-cli, same client and security (NLA, same SAM file).           goal <= 1 x
#   7. BENCH_RDP_SESSIONS (50) sessions held by xfreerdp clients at 1024x768: wtsd's memory per
#      session and its CPU time when they are idle (bench/sessions_rdp.sh, 6 and 7; skipped
#      without xfreerdp, Xvfb or freerdp-shadow-cli).       goal < 8 MiB a session, no busy loop
#   8. Event delivery: a session change to WTSWaitSystemEvent's return in another thread,
#      against a WTSQuerySessionInformationW round trip (bench_events).        goal <= 1 ms median
#
# Needs root (creating sessions, cgroups). Builds OpenWTS (wtsapi32, wtsd, wtsctl) in its own
# build tree, BENCH_BUILD_DIR (default bench/build), as BENCH_BUILD_TYPE (default
# RelWithDebInfo, the optimisation a distribution builds with), then the benchmark programs
# against it. Each part runs against its own throw-away wtsd (tests/with-wtsd.sh, a Unix socket
# in a temporary directory). Every process and cgroup the run creates is removed at the end, also
# after a failure or Ctrl-C. The table is also written to BENCH_BUILD_DIR/results.txt and every
# raw figure to BENCH_BUILD_DIR/results-raw.txt.
#
# --quick runs a smaller scenario for a smoke test (its figures do not meet the issue's sizes).
# Sizes can be set one by one: BENCH_PROCS (2000 sleepers in all), BENCH_SESSION_PROCS (200 of
# them in sessions), BENCH_PROC_SESSIONS (20 sessions holding them), BENCH_REPS (21 repetitions
# of benchmark 1), BENCH_ROUNDS (31 rounds of benchmark 2), BENCH_SESSIONS (10000),
# BENCH_CALLS (200 calls of benchmark 3), BENCH_UID (65534, the user of created sessions),
# BENCH_CONNECT_ROUNDS (11), BENCH_RDP_SESSIONS (50), BENCH_IDLE_SECONDS (10), BENCH_EVENTS (200).
#
# Exit status: 0 when every benchmark ran (goals missed or not), 1 when one failed, 2 for a usage
# error, 77 when not root.
#
# Internal: `run.sh --phase processes|sessions|events` is what runs inside tests/with-wtsd.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
self="$here/run.sh"

: "${BENCH_BUILD_DIR:=$here/build}"
: "${BENCH_BUILD_TYPE:=RelWithDebInfo}"
: "${BENCH_UID:=65534}"
# Sleepers outlive any sane run; cleanup kills them long before.
: "${BENCH_SLEEP_SECONDS:=1800}"

# Progress messages. Inside a phase they go to fd BENCH_LOG_FD (the terminal), while stderr goes
# to the phase's log file.
log()
{
	printf 'bench: %s\n' "$*" >&"${BENCH_LOG_FD:-2}"
}

# --- inside a throw-away wtsd ------------------------------------------------------------------

# The cgroup of the wtsd that with-wtsd.sh started (it logs where), recorded for the outer
# cleanup in case this phase is cut short.
wtsd_cgroup()
{
	sed -n 's/.*sessions live under cgroup \([^ ]*\).*/\1/p' "$OPENWTS_TEST_DIR/wtsd.log" |
		head -n 1
}

# Runs a benchmark program in the background so that the TERM trap can stop it; stdout to $1.
run_bench()
{
	local out=$1
	shift
	"$@" >"$out" &
	bench_pid=$!
	wait "$bench_pid"
	local rc=$?
	bench_pid=
	return $rc
}

phase_stop()
{
	[ -n "${bench_pid:-}" ] && kill -TERM "$bench_pid" 2>/dev/null
	exit 143
}

# Starts $1 sleepers outside wtsd, in the cgroup $2 if not empty; their pids go to
# $BENCH_TMP/sleepers.pids. The spawning subshell moves itself into the cgroup first, so every
# sleeper starts there.
start_sleepers()
{
	local n=$1 cg=$2
	(
		[ -n "$cg" ] && echo "$BASHPID" >"$cg/cgroup.procs"
		i=0
		while [ $i -lt "$n" ]; do
			sleep "$BENCH_SLEEP_SECONDS" </dev/null >/dev/null 2>&1 &
			echo $!
			i=$((i + 1))
		done
	) >"$BENCH_TMP/sleepers.pids"
	# Wait until the last one has exec'd sleep (they start in order).
	local last
	last=$(tail -n 1 "$BENCH_TMP/sleepers.pids")
	local i=0
	while [ "$(cat "/proc/$last/comm" 2>/dev/null)" != sleep ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# Starts BENCH_SESSION_PROCS sleepers in BENCH_PROC_SESSIONS new sessions through wtsctl.
start_session_sleepers()
{
	local per=$((BENCH_SESSION_PROCS / BENCH_PROC_SESSIONS))
	local extra=$((BENCH_SESSION_PROCS % BENCH_PROC_SESSIONS))
	local k j n id pid
	for ((k = 0; k < BENCH_PROC_SESSIONS; k++)); do
		n=$((per + (k < extra ? 1 : 0)))
		[ $n -gt 0 ] || continue
		read -r id pid < <("$BENCH_WTSCTL" create-session "$BENCH_UID" \
			sleep "$BENCH_SLEEP_SECONDS") || return 1
		[ -n "$id" ] && [ "$pid" != 0 ] || return 1
		for ((j = 1; j < n; j++)); do
			"$BENCH_WTSCTL" spawn "$id" sleep "$BENCH_SLEEP_SECONDS" >/dev/null || return 1
		done
	done
}

# Kills every process of cgroup $1 and its children and waits until it is empty (2 s at most).
cgroup_kill()
{
	local cg=$1 i=0
	[ -d "$cg" ] || return 0
	echo 1 >"$cg/cgroup.kill" 2>/dev/null
	while grep -q 'populated 1' "$cg/cgroup.events" 2>/dev/null && [ $i -lt 40 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# Benchmarks 1 and 2: processes inside and outside sessions, then bench_processes and
# bench_pid_session.
phase_processes()
{
	echo $$ >"$BENCH_TMP/phase.pid"
	trap phase_stop TERM INT
	local cg
	cg=$(wtsd_cgroup)
	[ -n "$cg" ] && echo "$cg" >>"$BENCH_TMP/cgroups"
	local bench_cg=""
	if [ -n "$cg" ]; then
		bench_cg="$(dirname "$cg")/openwts-bench-$$"
		if mkdir "$bench_cg" 2>/dev/null; then
			echo "$bench_cg" >>"$BENCH_TMP/cgroups"
		else
			bench_cg=""
		fi
	fi
	log "starting $BENCH_SESSION_PROCS sleepers in $BENCH_PROC_SESSIONS wtsd sessions"
	if ! start_session_sleepers; then
		log "wtsctl could not create the sessions"
		return 1
	fi
	log "starting $((BENCH_PROCS - BENCH_SESSION_PROCS)) sleepers outside sessions"
	start_sleepers $((BENCH_PROCS - BENCH_SESSION_PROCS)) "$bench_cg"
	local rc=0
	log "benchmark 1: WTSEnumerateProcessesExW against ps ($BENCH_REPS repetitions)"
	run_bench "$BENCH_TMP/processes.txt" "$BENCH_BIN/bench_processes" -n "$BENCH_REPS" || rc=1
	if [ $rc -eq 0 ]; then
		log "benchmark 2: ProcessIdToSessionId against sd_pid_get_session" \
			"($BENCH_ROUNDS rounds)"
		run_bench "$BENCH_TMP/pidsession.txt" "$BENCH_BIN/bench_pid_session" \
			-r "$BENCH_ROUNDS" || rc=1
	fi
	# Stop what we started now; with-wtsd.sh would clean the session cgroups too.
	if [ -n "$bench_cg" ]; then
		cgroup_kill "$bench_cg"
		rmdir "$bench_cg"
	else
		xargs kill -KILL <"$BENCH_TMP/sleepers.pids" 2>/dev/null
	fi
	[ -n "$cg" ] && cgroup_kill "$cg"
	return $rc
}

# Benchmark 3: bench_sessions fills this wtsd's registry. Its session cgroups are empty; remove
# them here with few processes (with-wtsd.sh would run rmdir once per session).
phase_sessions()
{
	echo $$ >"$BENCH_TMP/phase.pid"
	trap phase_stop TERM INT
	local cg
	cg=$(wtsd_cgroup)
	[ -n "$cg" ] && echo "$cg" >>"$BENCH_TMP/cgroups"
	log "benchmark 3: WTSEnumerateSessionsW, 1 then $BENCH_SESSIONS more sessions" \
		"($BENCH_CALLS calls each)"
	local rc=0
	run_bench "$BENCH_TMP/sessions.txt" "$BENCH_BIN/bench_sessions" -s "$BENCH_SESSIONS" \
		-n "$BENCH_CALLS" -u "$BENCH_UID" || rc=1
	[ -n "$cg" ] && [ -d "$cg" ] &&
		find "$cg" -mindepth 1 -maxdepth 1 -type d -name 'session-*' -exec rmdir {} + 2>/dev/null
	return $rc
}

# Benchmark 8: bench_events creates and logs off sessions of this wtsd, timing the events.
phase_events()
{
	echo $$ >"$BENCH_TMP/phase.pid"
	trap phase_stop TERM INT
	local cg
	cg=$(wtsd_cgroup)
	[ -n "$cg" ] && echo "$cg" >>"$BENCH_TMP/cgroups"
	log "benchmark 8: event delivery, $BENCH_EVENTS session changes to WTSWaitSystemEvent"
	run_bench "$BENCH_TMP/events.txt" "$BENCH_BIN/bench_events" -n "$BENCH_EVENTS" \
		-u "$BENCH_UID"
}

if [ "${1:-}" = --phase ]; then
	case "${2:-}" in
	processes) phase_processes ;;
	sessions) phase_sessions ;;
	events) phase_events ;;
	*) exit 2 ;;
	esac
	exit $?
fi

# --- outside: build, run the phases, clean up, report -----------------------------------------

quick=0
case "${1:-}" in
"") ;;
--quick) quick=1 ;;
-h | --help)
	sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
	exit 0
	;;
*)
	echo "usage: bench/run.sh [--quick]" >&2
	exit 2
	;;
esac
if [ $quick -eq 1 ]; then
	: "${BENCH_VC_ROUNDS:=1}" "${BENCH_VC_BYTES:=8388608}" "${BENCH_VC_RTTS:=500}"
	: "${BENCH_PROCS:=300}" "${BENCH_SESSION_PROCS:=30}" "${BENCH_PROC_SESSIONS:=3}"
	: "${BENCH_REPS:=5}" "${BENCH_ROUNDS:=5}" "${BENCH_SESSIONS:=1000}" "${BENCH_CALLS:=20}"
	: "${BENCH_CONNECT_ROUNDS:=3}" "${BENCH_RDP_SESSIONS:=10}" "${BENCH_IDLE_SECONDS:=5}"
	: "${BENCH_EVENTS:=50}"
fi
: "${BENCH_EVENTS:=200}"
: "${BENCH_PROCS:=2000}" "${BENCH_SESSION_PROCS:=200}" "${BENCH_PROC_SESSIONS:=20}"
: "${BENCH_REPS:=21}" "${BENCH_ROUNDS:=31}" "${BENCH_SESSIONS:=10000}" "${BENCH_CALLS:=200}"
if [ "$BENCH_SESSION_PROCS" -gt "$BENCH_PROCS" ] || [ "$BENCH_PROC_SESSIONS" -lt 1 ]; then
	echo "bench: BENCH_SESSION_PROCS must not exceed BENCH_PROCS; BENCH_PROC_SESSIONS >= 1" >&2
	exit 2
fi

if [ "$(id -u)" != 0 ]; then
	echo "bench: must run as root (it creates wtsd sessions and cgroups)" >&2
	exit 77
fi

build="$BENCH_BUILD_DIR/openwts"
mkdir -p "$BENCH_BUILD_DIR" || exit 1
buildlog="$BENCH_BUILD_DIR/build.log"
log "building OpenWTS ($BENCH_BUILD_TYPE) in $build (log: $buildlog)"
if ! { cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE="$BENCH_BUILD_TYPE" -DBUILD_TESTING=OFF &&
	cmake --build "$build" --target wtsapi32 wtsd wtsctl openwts_bridge qwinsta logoff -j2; } >"$buildlog" 2>&1; then
	tail -n 30 "$buildlog" >&2
	log "build failed"
	exit 1
fi
# With add_subdirectory(bench EXCLUDE_FROM_ALL) in the top-level CMakeLists.txt the programs
# build in the same tree; otherwise bench/ is a project of its own linked to that tree.
build_bench()
{
	if [ -d "$build/bench" ]; then
		bin="$build/bench"
		cmake --build "$build" --target openwts_bench -j2
	else
		bin="$BENCH_BUILD_DIR/bench"
		cmake -S "$here" -B "$bin" -DCMAKE_BUILD_TYPE="$BENCH_BUILD_TYPE" \
			-DOPENWTS_BUILD_DIR="$build" && cmake --build "$bin" -j2
	fi
}
if ! build_bench >>"$buildlog" 2>&1; then
	tail -n 30 "$buildlog" >&2
	log "build of the benchmarks failed"
	exit 1
fi

BENCH_TMP=$(mktemp -d /tmp/openwts-bench.XXXXXX) || exit 1
export BENCH_TMP BENCH_BIN="$bin" BENCH_WTSCTL="$build/wtsctl" BENCH_UID BENCH_SLEEP_SECONDS \
	BENCH_PROCS BENCH_SESSION_PROCS BENCH_PROC_SESSIONS BENCH_REPS BENCH_ROUNDS BENCH_SESSIONS \
	BENCH_CALLS BENCH_EVENTS
wrapper=

# Removes whatever a phase left: sleepers, and the processes and cgroups of the wtsd instances.
cleanup()
{
	local cg s
	if [ -f "$BENCH_TMP/cgroups" ]; then
		while read -r cg; do
			[ -d "$cg" ] || continue
			cgroup_kill "$cg"
			for s in "$cg"/session-*; do
				[ -d "$s" ] && rmdir "$s" 2>/dev/null
			done
			rmdir "$cg" 2>/dev/null || log "could not remove cgroup $cg"
		done < <(tac "$BENCH_TMP/cgroups")
	fi
	# Sleepers outside any cgroup of ours (no cgroup2): by pid, only if still our sleep.
	if [ -f "$BENCH_TMP/sleepers.pids" ]; then
		local pid comm
		while read -r pid; do
			comm=
			read -r comm 2>/dev/null <"/proc/$pid/comm"
			[ "$comm" = sleep ] && kill -KILL "$pid" 2>/dev/null
		done <"$BENCH_TMP/sleepers.pids"
	fi
	rm -rf "$BENCH_TMP"
}

# Ctrl-C or TERM: stop the phase (with-wtsd.sh then stops its wtsd and removes its directory and
# cgroups), then clean up. The phases run in their own session, so Ctrl-C reaches only us.
on_signal()
{
	trap '' INT TERM
	log "interrupted: cleaning up"
	[ -f "$BENCH_TMP/phase.pid" ] && kill -TERM "$(cat "$BENCH_TMP/phase.pid")" 2>/dev/null
	[ -n "$wrapper" ] && wait "$wrapper"
	cleanup
	exit 130
}
trap on_signal INT TERM

# Runs a phase under its own wtsd; its stderr (wtsd's log on failure, the programs' messages)
# goes to BENCH_BUILD_DIR/<phase>.log, shown when the phase fails.
run_phase()
{
	local plog="$BENCH_BUILD_DIR/$1.log"
	rm -f "$BENCH_TMP/phase.pid"
	BENCH_LOG_FD=3 setsid -w "$top/tests/with-wtsd.sh" "$build/wtsd" "$self" --phase "$1" \
		3>&2 2>"$plog" &
	wrapper=$!
	wait "$wrapper"
	local rc=$?
	wrapper=
	if [ $rc -ne 0 ]; then
		grep -v '^\[' "$plog" | tail -n 20 >&2
		log "phase $1 failed (exit $rc); its log: $plog"
	fi
	return $rc
}

load_before=$(cut -d' ' -f1 /proc/loadavg)
status=0
run_phase processes || status=1
[ $status -eq 0 ] && { run_phase sessions || status=1; }
# Benchmark 4 starts its own wtsd (with an RDP listener), servers and clients: bench/channels.sh.
chan_rc=77
if [ $status -eq 0 ]; then
	log "benchmark 4: channels, an app through wtsd against an app inside a FreeRDP server"
	export BENCH_VC_ROUNDS BENCH_VC_BYTES BENCH_VC_RTTS
	BENCH_LOG_FD=3 setsid -w "$here/channels.sh" "$bin" "$build/wtsd" 3>&2 \
		>"$BENCH_TMP/channels.txt" 2>"$BENCH_BUILD_DIR/channels.log" &
	wrapper=$!
	echo "$wrapper" >"$BENCH_TMP/phase.pid"
	wait "$wrapper"
	chan_rc=$?
	wrapper=
	if [ $chan_rc -ne 0 ] && [ $chan_rc -ne 77 ]; then
		tail -n 30 "$BENCH_BUILD_DIR/channels.log" >&2
		log "benchmark 4 failed (exit $chan_rc); its log: $BENCH_BUILD_DIR/channels.log"
		status=1
	fi
fi
# Benchmark 5: a Windows plug-in through the bridge against a native FreeRDP addin, in xfreerdp.
if [ $status -eq 0 ]; then
	log "benchmark 5: client plug-in receive throughput, bridge against native FreeRDP addin"
	[ $quick -eq 1 ] && : "${BENCH_VCC_ROUNDS:=1}" "${BENCH_VCC_REPS:=2}" "${BENCH_VCC_BYTES:=8388608}"
	export BENCH_VCC_ROUNDS BENCH_VCC_REPS BENCH_VCC_BYTES BENCH_VCC_MSG
	setsid -w "$here/bench_vc_client.sh" "$bin/bench_vc_client_server" \
		"$build/libopenwts-client.so" "$bin/libowtsvcc.so" "$bin/libowtsvcn.so" \
		>"$BENCH_TMP/vcclient.txt" 2>"$BENCH_BUILD_DIR/vcclient.log" &
	wrapper=$!
	echo "$wrapper" >"$BENCH_TMP/phase.pid"
	wait "$wrapper"
	vcc_rc=$?
	wrapper=
	if [ $vcc_rc -ne 0 ] && [ $vcc_rc -ne 77 ]; then
		tail -n 20 "$BENCH_BUILD_DIR/vcclient.log" >&2
		log "benchmark 5 failed (exit $vcc_rc); its log: $BENCH_BUILD_DIR/vcclient.log"
		status=1
	fi
fi
# Benchmarks 6 and 7: wtsd against freerdp-shadow-cli, and sessions held by clients.
rdp_rc=77
if [ $status -eq 0 ]; then
	log "benchmarks 6 and 7: connect time against freerdp-shadow-cli; sessions held by clients"
	export BENCH_CONNECT_ROUNDS BENCH_RDP_SESSIONS BENCH_IDLE_SECONDS
	BENCH_LOG_FD=3 setsid -w "$here/sessions_rdp.sh" "$build/wtsd" "$build/tools" 3>&2 \
		>"$BENCH_TMP/rdp.txt" 2>"$BENCH_BUILD_DIR/rdp.log" &
	wrapper=$!
	echo "$wrapper" >"$BENCH_TMP/phase.pid"
	wait "$wrapper"
	rdp_rc=$?
	wrapper=
	if [ $rdp_rc -ne 0 ] && [ $rdp_rc -ne 77 ]; then
		tail -n 30 "$BENCH_BUILD_DIR/rdp.log" >&2
		log "benchmarks 6 and 7 failed (exit $rdp_rc); its log: $BENCH_BUILD_DIR/rdp.log"
		status=1
	fi
fi
# Benchmark 8 needs no RDP client: its own throw-away wtsd.
[ $status -eq 0 ] && { run_phase events || status=1; }
cat "$BENCH_TMP"/processes.txt "$BENCH_TMP"/pidsession.txt "$BENCH_TMP"/sessions.txt \
	"$BENCH_TMP"/channels.txt "$BENCH_TMP"/vcclient.txt "$BENCH_TMP"/rdp.txt \
	"$BENCH_TMP"/events.txt \
	>"$BENCH_BUILD_DIR/results-raw.txt" 2>/dev/null
cleanup
trap - INT TERM
if [ $status -ne 0 ]; then
	log "a benchmark failed (raw figures so far: $BENCH_BUILD_DIR/results-raw.txt)"
	exit 1
fi

# --- the table -----------------------------------------------------------------------------------
{
	printf 'OpenWTS benchmarks, %s, Linux %s, %s CPUs, %s build, load %s before, %s after\n' \
		"$(date '+%Y-%m-%d %H:%M')" "$(uname -r)" "$(nproc)" "$BENCH_BUILD_TYPE" "$load_before" \
		"$(cut -d' ' -f1 /proc/loadavg)"
	awk -F= -v type="$BENCH_BUILD_TYPE" '
	{ v[$1] = $2 }
	function ratio(a, b) { return b > 0 ? a / b : 0 }
	function verdict(ok) { return ok ? "met" : "MISSED" }
	END {
		printf "scenario: %d processes, %d of them in %d wtsd sessions (median of %d runs)\n\n",
		    v["processes.count"], v["processes.in_sessions"], v["processes.sessions"],
		    v["processes.reps"]
		fmt = "%-2s %-40s %12s  %-34s %9s  %-8s %s\n"
		printf fmt, "#", "OpenWTS", "", "baseline", "ratio", "goal", ""
		r1 = ratio(v["processes.level1.median_ms"], v["processes.ps.median_ms"])
		r0 = ratio(v["processes.level0.median_ms"], v["processes.ps.median_ms"])
		ps = sprintf("ps -e -o pid,sess,uid,comm %8.2f ms", v["processes.ps.median_ms"])
		printf fmt, "1", "WTSEnumerateProcessesExW level 1, any",
		    sprintf("%.2f ms", v["processes.level1.median_ms"]), ps,
		    sprintf("%.2fx", r1), "<= 0.5x", verdict(r1 <= 0.5)
		printf fmt, "", "WTSEnumerateProcessesExW level 0, any",
		    sprintf("%.2f ms", v["processes.level0.median_ms"]), ps,
		    sprintf("%.2fx", r0), "<= 0.5x", verdict(r0 <= 0.5)
		r2 = ratio(v["pidsession.wts_per_s"], v["pidsession.sd_per_s"])
		printf fmt, "2", sprintf("ProcessIdToSessionId (%d pids)", v["pidsession.pids"]),
		    sprintf("%d/s", v["pidsession.wts_per_s"]),
		    sprintf("sd_pid_get_session %15d/s", v["pidsession.sd_per_s"]),
		    sprintf("%.2fx", r2), ">= 1x", verdict(r2 >= 1)
		r3 = ratio(v["sessions.full.median_ms"], v["sessions.base.median_ms"])
		printf fmt, "3", sprintf("WTSEnumerateSessionsW, %d sessions", v["sessions.full.count"]),
		    sprintf("%.3f ms", v["sessions.full.median_ms"]),
		    sprintf("same, %d session(s) %13.3f ms", v["sessions.base.count"],
		        v["sessions.base.median_ms"]),
		    sprintf("%.1fx", r3), "<= 5 ms", verdict(v["sessions.full.median_ms"] <= 5)
		printf fmt, "", "  wtsd VmRSS / VmHWM",
		    sprintf("%.1f/%.1f MiB", v["sessions.full.wtsd_rss_kib"] / 1024,
		        v["sessions.full.wtsd_hwm_kib"] / 1024),
		    sprintf("1 session %17.1f/%.1f MiB", v["sessions.base.wtsd_rss_kib"] / 1024,
		        v["sessions.base.wtsd_hwm_kib"] / 1024),
		    sprintf("%.1fx", ratio(v["sessions.full.wtsd_rss_kib"], v["sessions.base.wtsd_rss_kib"])),
		    "", ""
		if (v["chan.rounds"] > 0) {
			cfmt = "%-2s %-40s %12s  %-34s %9s  %-8s %s\n"
			split("dvc svc", chs, " ")
			split("dynamic ECHO,static OWTSBEN", names, ",")
			for (i = 1; i <= 2; i++) {
				c = chs[i]
				b = v["chan.base." c ".mib_s"]; o = v["chan.owts." c ".mib_s"]
				r4 = v["chan." c ".paired_ratio"]
				printf cfmt, i == 1 ? "4" : "", sprintf("%s, %d KiB x %d, MiB/s", names[i],
				    v["chan.size"] / 1024, v["chan.window"]),
				    sprintf("%.1f", o), sprintf("FreeRDP in-process %15.1f", b),
				    sprintf("%.2fx", r4), ">= 0.9x", verdict(r4 >= 0.9)
				bm = v["chan.base." c ".rtt_median_us"]; om = v["chan.owts." c ".rtt_median_us"]
				added = v["chan." c ".paired_added_us"]
				printf cfmt, "", sprintf("  round trip %d B, median (p90) us",
				    v["chan.rtt_size"]),
				    sprintf("%.0f (%.0f)", om, v["chan.owts." c ".rtt_p90_us"]),
				    sprintf("FreeRDP in-process %9.0f (%.0f)", bm, v["chan.base." c ".rtt_p90_us"]),
				    sprintf("%+.0f us", added), "<= +50us", verdict(added <= 50)
			}
			printf "benchmark 4: medians of %d rounds; ratio and added latency are the medians of" \
			    " the paired figures of each round\n", v["chan.rounds"]
		} else {
			printf "4  channels: skipped (xfreerdp, xvfb-run, winpr-hash or openssl missing)\n"
		}
		if (v["vcc.rounds"] > 0) {
			r5 = v["vcc.paired_ratio"]
			printf fmt, "5", sprintf("plug-in via bridge, %d KiB msgs, MiB/s", v["vcc.msg"] / 1024),
			    sprintf("%.1f", v["vcc.bridge.mib_s"]),
			    sprintf("native FreeRDP addin %13.1f", v["vcc.native.mib_s"]),
			    sprintf("%.2fx", r5), ">= 0.95x", verdict(r5 >= 0.95)
		} else {
			printf "5  client plug-in via bridge: skipped (xfreerdp, xvfb-run or openssl missing)\n"
		}
		if (v["rdp.connect.rounds"] > 0) {
			r6 = v["rdp.connect.owts.median_ms"] / v["rdp.connect.base.median_ms"]
			printf fmt, "6", "connect to Active (NLA, 1024x768), ms",
			    sprintf("%.0f", v["rdp.connect.owts.median_ms"]),
			    sprintf("freerdp-shadow-cli %15.0f", v["rdp.connect.base.median_ms"]),
			    sprintf("%.2fx", r6), "<= 1x", verdict(r6 <= 1)
			n7 = v["rdp.held.active"]
			m7 = v["rdp.held.rss_per_session_kib"] / 1024
			printf fmt, "7", sprintf("%d/%d Active sessions: RSS per session", n7,
			    v["rdp.held.sessions"]), sprintf("%.2f MiB", m7),
			    sprintf("wtsd with none %14.1f MiB", v["rdp.held.wtsd_rss0_kib"] / 1024),
			    "", "< 8 MiB", verdict(m7 < 8 && n7 == v["rdp.held.sessions"])
			printf fmt, "", sprintf("  wtsd CPU, %d idle sessions, %.0f s", n7,
			    v["rdp.held.idle_s"]), sprintf("%.2f %%", v["rdp.held.idle_cpu_pct"]),
			    "", "", "~0", verdict(v["rdp.held.idle_cpu_pct"] < 1)
		} else {
			printf "6, 7 RDP sessions: skipped (xfreerdp, Xvfb or freerdp-shadow-cli missing)\n"
		}
		if (v["events.count"] > 0) {
			printf fmt, "8", "change -> WTSWaitSystemEvent return, ms",
			    sprintf("%.3f", v["events.delivery.median_ms"]),
			    sprintf("WTSQuerySessionInfo RTT %10.3f", v["events.query.median_ms"]),
			    sprintf("%.2fx", v["events.delivery.median_ms"] / v["events.query.median_ms"]),
			    "<= 1 ms", verdict(v["events.delivery.median_ms"] <= 1)
			printf fmt, "", "  p90; from before the change (bound)",
			    sprintf("%.3f", v["events.delivery.p90_ms"]),
			    sprintf("bound median %.3f p90 %.3f", v["events.bound.median_ms"],
			        v["events.bound.p90_ms"]), "", "", ""
		}
		printf "\nratios: OpenWTS / baseline time (1, 3, 6, 8) or rate (2, 4, 5). Details: results-raw.txt.\n"
		printf "benchmark 2 baseline outcome: %d ENODATA, %d ESRCH, %d other, %d ok;",
		    v["pidsession.sd_enodata"], v["pidsession.sd_esrch"], v["pidsession.sd_other"],
		    v["pidsession.sd_ok"]
		printf " ProcessIdToSessionId: %d ok (%d in sessions), %d failed\n",
		    v["pidsession.wts_ok"], v["pidsession.wts_in_sessions"], v["pidsession.wts_failed"]
		printf "benchmark 3: %d sessions created in %.1f s; reply %d bytes; bare exchange %.3f ms\n",
		    v["sessions.created"], v["sessions.create_s"], v["sessions.full.reply_bytes"],
		    v["sessions.full.exchange.median_ms"]
		if (v["rdp.connect.rounds"] > 0) {
			printf "benchmark 6: medians of %d rounds (p90 %.0f / %.0f ms), paired ratio %.2f;" \
			    " from the client start %.0f / %.0f ms\n", v["rdp.connect.rounds"],
			    v["rdp.connect.owts.p90_ms"], v["rdp.connect.base.p90_ms"],
			    v["rdp.connect.paired_ratio"], v["rdp.connect.owts.from_start_median_ms"],
			    v["rdp.connect.base.from_start_median_ms"]
			printf "benchmark 7: PSS %.2f MiB a session; wtsd %.1f MiB RSS, %d threads with" \
			    " %d sessions; %.0f ms CPU in %.0f s idle; all connected in %.1f s\n",
			    v["rdp.held.pss_per_session_kib"] / 1024, v["rdp.held.wtsd_rss_kib"] / 1024,
			    v["rdp.held.wtsd_threads"], v["rdp.held.active"], v["rdp.held.idle_cpu_ms"],
			    v["rdp.held.idle_s"], v["rdp.held.connect_all_s"]
		}
		if (v["events.count"] > 0)
			printf "benchmark 8: %d events (%d missed, %d wrong); the change itself %.3f ms" \
			    " median (SQLite commit)\n", v["events.count"], v["events.missed"],
			    v["events.wrong"], v["events.change.median_ms"]
	}' "$BENCH_BUILD_DIR/results-raw.txt"
} | tee "$BENCH_BUILD_DIR/results.txt"
exit 0
