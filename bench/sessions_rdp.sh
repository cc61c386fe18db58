#!/bin/bash
# bench/sessions_rdp.sh — benchmarks 6 and 7 of bench/run.sh (bench/README.md): RDP sessions
# held by real clients.
#
#	bench/sessions_rdp.sh WTSD TOOLS_DIR
#
# WTSD is the wtsd to run; TOOLS_DIR holds qwinsta and logoff (built from tools/).
#   6. Connect time: from the client's TCP connect to its CONNECTION_STATE_ACTIVE, wtsd against
#      freerdp-shadow-cli (package freerdp2-shadow-x11), the same xfreerdp (1024x768), the same
#      security (NLA with the same WinPR SAM file, over TLS; the client log shows PROTOCOL_HYBRID
#      for both). Both moments come from the client's own log (WLOG_LEVEL=DEBUG), its lines
#      stamped on arrival: "connecting to peer" and "--> CONNECTION_STATE_ACTIVE". The time spent
#      in each connection state is printed per round too. BENCH_CONNECT_ROUNDS
#      rounds (11) after one warm-up, the two servers alternating (and swapping order each round).
#      Every wtsd round is a new logon: the session is logged off after the client is killed.
#   7. BENCH_RDP_SESSIONS (50) concurrent sessions held by xfreerdp clients (1024x768), one SAM
#      user each (sN, all mapped to the Linux user nobody): wtsd's VmRSS and PSS before and with
#      them (per session = delta / N), checked to be N Active RDP sessions with qwinsta; then
#      wtsd's CPU time over BENCH_IDLE_SECONDS (10) with them idle.
# Servers and clients draw on Xvfb displays this script starts: one 1024x768 display that the
# shadow server shares, one shared by every client (DISPLAY, no xvfb-run per client).
#
# Prints "rdp.*=value" lines on stdout; progress on stderr (fd BENCH_LOG_FD if set). Logs stay in
# BENCH_RDP_LOGS if set (a directory). Every process started here runs in a process group of its
# own and is killed at the end (also on TERM/INT); wtsd's session cgroups are removed.
#
# Exit status: 0 measured, 1 failed, 77 skipped (a tool missing, not root).
set -u

wtsd=${1:?usage: sessions_rdp.sh WTSD TOOLS_DIR}
tools=${2:?usage: sessions_rdp.sh WTSD TOOLS_DIR}
: "${BENCH_CONNECT_ROUNDS:=11}" "${BENCH_RDP_SESSIONS:=50}" "${BENCH_IDLE_SECONDS:=10}"
: "${BENCH_RDP_BATCH:=5}"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

for tool in xfreerdp Xvfb freerdp-shadow-cli winpr-hash openssl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		log "rdp sessions: skipped ($tool not found; packages freerdp2-x11" \
			"freerdp2-shadow-x11 xvfb winpr-utils openssl)"
		exit 77
	fi
done
if [ "$(id -u)" != 0 ]; then
	log "rdp sessions: skipped (needs root: wtsd)"
	exit 77
fi

dir=$(mktemp -d /tmp/openwts-bench-rdp.XXXXXX) || exit 1
groups=() # process groups we started (setsid): displays, shadow server, clients
wtsd_pid=

cleaned=
cleanup()
{
	stop_all || return
	if [ -n "${BENCH_RDP_LOGS:-}" ]; then
		mkdir -p "$BENCH_RDP_LOGS" && cp "$dir"/*.log "$BENCH_RDP_LOGS"/ 2>/dev/null
	fi
	rm -rf "$dir"
}
trap 'cleanup; exit 143' TERM INT
trap 'cleanup; exit 129' HUP PIPE
trap cleanup EXIT

fail()
{
	fail_with_logs "rdp sessions: $*" "$dir"/wtsd.log "$dir"/shadow.log
}


# An X display number nobody uses: no socket or lock file in /tmp, and no abstract socket
# "@/tmp/.X11-unix/X<n>" (X clients try that first; an X server of another mount namespace on
# the same network namespace holds it without a file in our /tmp).
free_display()
{
	local n i
	for ((i = 0; i < 100; i++)); do
		n=$((600 + RANDOM % 3000))
		[ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] && continue
		grep -q "@/tmp/.X11-unix/X$n\$" /proc/net/unix && continue
		echo "$n"
		return 0
	done
	return 1
}

# Starts Xvfb on a free display with screen size $1; the display number in $display. Xvfb
# writes the number to -displayfd once it accepts clients. -noreset: by default Xvfb resets when
# its last client leaves, and freerdp-shadow-cli opens the display twice at start — without it
# the second open fails about half the time ("failed to open display"; xvfb-run has the same
# problem).
start_xvfb()
{
	local i f="$dir/xvfb.$RANDOM" n
	n=$(free_display) || return 1
	: >"$f"
	setsid Xvfb ":$n" -displayfd 3 -noreset -screen 0 "$1" -nolisten tcp 3>"$f" >>"$dir/xvfb.log" 2>&1 \
		</dev/null &
	groups+=("$!")
	for ((i = 0; i < 200; i++)); do
		display=$(head -n 1 "$f")
		[ "$display" = "$n" ] && return 0
		kill -0 "$!" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# --- set-up ---------------------------------------------------------------------------------------
pass="Bench-$RANDOM$RANDOM.x"
mkdir -p "$dir/home" "$dir/state"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout "$dir/key.pem" \
	-out "$dir/cert.pem" >"$dir/openssl.log" 2>&1 || fail "openssl could not make a certificate"
maps=()
for ((k = 0; k <= BENCH_RDP_SESSIONS; k++)); do
	winpr-hash -u "s$k" -p "$pass" -f sam >>"$dir/sam" 2>>"$dir/openssl.log" ||
		fail "winpr-hash failed"
	maps+=(--user-map "s$k:nobody")
done

start_xvfb 1024x768x24 || fail "Xvfb did not start"
shadow_display=$display
start_xvfb 1280x1024x24 || fail "Xvfb did not start"
client_display=$display
port_o=$(free_port) && port_b=$(free_port) || fail "no free port"
[ "$port_o" != "$port_b" ] || port_b=$(free_port)

log "rdp sessions: wtsd on 127.0.0.1:$port_o, freerdp-shadow-cli on 127.0.0.1:$port_b"
# In a session of its own, as the shadow server: with autogroup scheduling, sharing this
# script's session would charge the script's polling to wtsd's group.
setsid "$wtsd" --socket "$dir/wtsd.sock" --state-dir "$dir/state" --listen "127.0.0.1:$port_o" \
	--sam "$dir/sam" "${maps[@]}" --cert "$dir/cert.pem" --key "$dir/key.pem" \
	>"$dir/wtsd.log" 2>&1 </dev/null &
wtsd_pid=$!
for ((i = 0; i < 200; i++)); do
	[ -S "$dir/wtsd.sock" ] && break
	kill -0 "$wtsd_pid" 2>/dev/null || fail "wtsd exited"
	sleep 0.05
done
[ -S "$dir/wtsd.sock" ] || fail "wtsd did not start"
export OPENWTS_SOCKET="$dir/wtsd.sock"

DISPLAY=":$shadow_display" start "$dir/shadow.log" freerdp-shadow-cli "/port:$port_b" \
	/bind-address:127.0.0.1 /sec:nla "/sam-file:$dir/sam"
shadow_pid=$started
for ((i = 0; i < 100; i++)); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port_b") 2>/dev/null && break
	kill -0 "$shadow_pid" 2>/dev/null || fail "freerdp-shadow-cli exited"
	sleep 0.05
done

# Starts an xfreerdp as user $2 against port $1 on the clients' display, log $3; pid in $started.
# Its stdout is line-buffered (stdbuf): WLog writes DEBUG lines to stdout, which a file would
# block-buffer — the line "--> CONNECTION_STATE_ACTIVE" could stay in the buffer, or be split
# by an ERROR line that WLog writes to stderr meanwhile.
client()
{
	HOME="$dir/home" DISPLAY=":$client_display" start "$3" stdbuf -oL xfreerdp "/v:127.0.0.1:$1" \
		/cert:ignore "/u:$2" "/p:$pass" /size:1024x768 "${@:4}"
}

# One connection to port $1 as user s0 with a debug log $2; prints the ms from TCP connect to
# Active and from the client's start to Active, or fails. The moments are the arrival times
# ($EPOCHREALTIME) of the client's log lines "connecting to peer" and "--> CONNECTION_STATE_ACTIVE"
# on a pipe, stamped by a reader beside it: WLog's own stamps cannot be subtracted (WinPR 2.11's
# GetLocalTime takes the seconds from time() and the milliseconds from GetTickCount() % 1000, so
# a difference can be off by up to a second).
connect_once()
{
	local port=$1 clog=$2 i a c t0 pid
	rm -f "$clog"
	t0=$EPOCHREALTIME
	HOME="$dir/home" DISPLAY=":$client_display" WLOG_LEVEL=DEBUG setsid bash -c '
		stdbuf -oL -eL xfreerdp "$@" 2>&1 | while IFS= read -r l; do
			printf "%s %s\n" "$EPOCHREALTIME" "$l"
		done' connect "/v:127.0.0.1:$port" /cert:ignore /u:s0 "/p:$pass" /size:1024x768 \
		>"$clog" 2>&1 </dev/null &
	pid=$!
	groups+=("$pid")
	for ((i = 0; i < 2000; i++)); do
		grep -q -- '--> CONNECTION_STATE_ACTIVE' "$clog" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	a=$(grep -m1 -- '--> CONNECTION_STATE_ACTIVE' "$clog" | cut -d' ' -f1)
	c=$(grep -m1 -- 'connecting to peer' "$clog" | cut -d' ' -f1)
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ -n "$a" ] && [ -n "$c" ] || return 1
	grep -q 'PROTOCOL_HYBRID' "$clog" || log "rdp sessions: warning: the client did not use NLA"
	awk -v a="$a" -v c="$c" -v s="$t0" 'BEGIN { printf "%.1f %.1f\n", (a - c) * 1000, (a - s) * 1000 }'
}

# wtsd's sessions as qwinsta --json lists them (one object a line). wtsd's own log is no use
# while it runs: its stdout, a file, is block-buffered.
sessions_json()
{
	"$tools/qwinsta" --json 2>/dev/null
}
active_rdp()
{
	sessions_json | grep -c '"sessionname": "RDP-Tcp#.*"state": "Active"'
}

# Logs off every session of the RDP users (all mapped to nobody) and waits until none is left,
# so that the next round is a new logon, not a reconnect.
logoff_all()
{
	local ids id i
	for ((i = 0; i < 100; i++)); do
		ids=$(sessions_json | sed -n 's/.*"username": "nobody", "id": \([0-9]*\).*/\1/p')
		[ -z "$ids" ] && return 0
		for id in $ids; do
			"$tools/logoff" "$id" >>"$dir/logoff.log" 2>&1
		done
		sleep 0.05
	done
	return 1
}

# --- 6: connect time --------------------------------------------------------------------------------
log "rdp sessions: connect time, $BENCH_CONNECT_ROUNDS rounds (+1 warm-up)"
: >"$dir/owts.connect_ms"
: >"$dir/base.connect_ms"
: >"$dir/owts.start_ms"
: >"$dir/base.start_ms"
for ((round = 0; round <= BENCH_CONNECT_ROUNDS; round++)); do
	if ((round % 2 == 0)); then order="base owts"; else order="owts base"; fi
	for side in $order; do
		if [ "$side" = owts ]; then port=$port_o; else port=$port_b; fi
		ms=
		ms_start=
		read -r ms ms_start < <(connect_once "$port" "$dir/connect-$side-$round.log")
		[ -n "$ms_start" ] || fail "$side: the client did not reach Active"
		if [ "$side" = owts ]; then
			logoff_all || fail "could not log off wtsd's session"
		fi
		if [ $round -gt 0 ]; then
			echo "$ms" >>"$dir/$side.connect_ms"
			echo "$ms_start" >>"$dir/$side.start_ms"
		fi
	done
done

median()
{
	sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo "rdp.connect.rounds=$BENCH_CONNECT_ROUNDS"
for side in owts base; do
	echo "rdp.connect.$side.median_ms=$(median "$dir/$side.connect_ms")"
	echo "rdp.connect.$side.all=$(paste -sd, "$dir/$side.connect_ms")"
	echo "rdp.connect.$side.p90_ms=$(sort -g "$dir/$side.connect_ms" |
		awk '{ v[NR] = $1 } END { k = int((NR * 9 + 9) / 10); print v[k] }')"
	echo "rdp.connect.$side.from_start_median_ms=$(median "$dir/$side.start_ms")"
done
# Per round, the ms the client spent in each state before moving on ("NEGO>NLA:74" = 74 ms from
# the TCP connect to the end of the X.224 negotiation): FreeRDP 2.11's client sleeps 100 ms
# whenever a reply is not there yet, so these are mostly multiples of 100.
for f in "$dir"/connect-*-*.log; do
	k=$(basename "$f" .log)
	k=${k#connect-}
	[ "${k##*-}" = 0 ] && continue
	printf 'rdp.connect.%s.states.%s=' "${k%-*}" "${k##*-}"
	awk '/connecting to peer/ { p = $1; s = "TCP" }
	/--> CONNECTION_STATE_/ && p { n = $NF; sub("CONNECTION_STATE_", "", n)
		printf "%s%s>%s:%d", sep, s, n, ($1 - p) * 1000 + 0.5; sep = ","; p = $1; s = n }
	END { print "" }' "$f"
done
paste "$dir/owts.connect_ms" "$dir/base.connect_ms" | awk '{ printf "%.4f\n", $1 / $2 }' \
	>"$dir/connect.ratio"
echo "rdp.connect.paired_ratio=$(median "$dir/connect.ratio")"
{ kill -KILL -- "-$shadow_pid"; wait "$shadow_pid"; } 2>/dev/null

# --- 7: N sessions held by clients ----------------------------------------------------------------
# VmRSS and Pss of wtsd (KiB).
mem()
{
	local rss pss
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$wtsd_pid/status")
	pss=$(awk '/^Pss:/ { print $2 }' "/proc/$wtsd_pid/smaps_rollup" 2>/dev/null)
	echo "${rss:-0} ${pss:-0}"
}
cpu_ticks()
{
	local f
	f=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	set -- $f
	echo $((${12} + ${13}))
}
sleep 1
read -r rss0 pss0 < <(mem)
n=$BENCH_RDP_SESSIONS
log "rdp sessions: starting $n clients (1024x768), $BENCH_RDP_BATCH at a time"
cli_pids=()
t0=$(date +%s%N)
for ((k = 1; k <= n; k++)); do
	client "$port_o" "s$k" "$dir/held-$k.log"
	cli_pids+=("$started")
	if ((k % BENCH_RDP_BATCH == 0 || k == n)); then
		for ((i = 0; i < 600; i++)); do
			[ "$(active_rdp)" -ge "$k" ] && break
			sleep 0.1
		done
	fi
done
for ((i = 0; i < 200; i++)); do
	a=$(active_rdp)
	[ "$a" -ge "$n" ] && break
	sleep 0.1
done
t1=$(date +%s%N)
alive=0
for p in "${cli_pids[@]}"; do
	kill -0 "$p" 2>/dev/null && alive=$((alive + 1))
done
echo "rdp.held.sessions=$n"
echo "rdp.held.active=$a"
echo "rdp.held.clients_alive=$alive"
echo "rdp.held.connect_all_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
[ "$a" -ge "$n" ] || log "rdp sessions: only $a of $n sessions Active"
# Let the clients' first frames and the desktops settle, then measure.
sleep 3
read -r rss1 pss1 < <(mem)
threads=$(awk '/^Threads:/ { print $2 }' "/proc/$wtsd_pid/status")
echo "rdp.held.wtsd_rss0_kib=$rss0"
echo "rdp.held.wtsd_pss0_kib=$pss0"
echo "rdp.held.wtsd_rss_kib=$rss1"
echo "rdp.held.wtsd_pss_kib=$pss1"
echo "rdp.held.wtsd_threads=$threads"
awk -v a="$rss0" -v b="$rss1" -v c="$pss0" -v d="$pss1" -v n="$a" 'BEGIN {
	if (n < 1) n = 1
	printf "rdp.held.rss_per_session_kib=%.0f\nrdp.held.pss_per_session_kib=%.0f\n",
	    (b - a) / n, (d - c) / n }'
log "rdp sessions: wtsd's CPU over ${BENCH_IDLE_SECONDS} s with $a idle sessions"
hz=$(getconf CLK_TCK)
c0=$(cpu_ticks "$wtsd_pid")
w0=$(date +%s%N)
sleep "$BENCH_IDLE_SECONDS"
c1=$(cpu_ticks "$wtsd_pid")
w1=$(date +%s%N)
awk -v t=$((c1 - c0)) -v hz="$hz" -v a="$w0" -v b="$w1" 'BEGIN {
	s = (b - a) / 1e9
	printf "rdp.held.idle_s=%.1f\nrdp.held.idle_cpu_ms=%.0f\nrdp.held.idle_cpu_pct=%.2f\n",
	    s, t * 1000 / hz, t / hz / s * 100 }'
# Per-thread CPU over the same kind of window, to name a busy thread if there is one.
top_thread=$(for t in /proc/"$wtsd_pid"/task/*; do
	echo "$(cpu_ticks "${t##*/}" 2>/dev/null || echo 0) $(cat "$t/comm")"
done | sort -rn | head -n 1)
echo "rdp.held.top_thread_ticks_total=${top_thread%% *}"
exit 0
