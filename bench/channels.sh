#!/bin/bash
# bench/channels.sh — benchmark 4 of bench/run.sh: virtual-channel throughput and round trips,
# OpenWTS against a plain FreeRDP server, same client, same machine, same run (bench/README.md).
#
#	bench/channels.sh BIN_DIR WTSD
#
# BIN_DIR holds bench_vc_server, bench_vc_app and libowtsben-client.so; WTSD is the wtsd to run.
# Sets up, in a throw-away directory: a TLS certificate (openssl), a SAM user (winpr-hash), wtsd
# on 127.0.0.1:<port> (--sam, --user-map benchuser:nobody), the baseline server on another port,
# the echo plug-in in xfreerdp's addin directory (removed again if this run put it there), and
# two xfreerdp clients under xvfb-run -a with /echo and /vc:owtsben, one per server. The
# baseline's app is a thread of its server; the OpenWTS app (bench_vc_app, root, the session
# named) runs beside wtsd. Both take bench_vc's commands on a FIFO; the rounds alternate the two
# sides (and the order within a round), dynamic then static channel.
#
# Prints "chan.*=value" lines on stdout; progress on stderr (fd BENCH_LOG_FD if set). Logs stay
# in BENCH_VC_LOGS if set (a directory), else they are removed with the rest.
# Sizes: BENCH_VC_ROUNDS (5), BENCH_VC_SIZE (65536 bytes a message), BENCH_VC_WINDOW (4
# messages in flight), BENCH_VC_BYTES (33554432 a throughput run), BENCH_VC_RTTS (2000 round
# trips of BENCH_VC_RTT_SIZE, 64 bytes). BENCH_VC_ADDIN_DIR: xfreerdp's addin directory.
#
# Exit status: 0 measured, 1 failed, 77 skipped (a tool missing, not root).
set -u

bin=${1:?usage: channels.sh BIN_DIR WTSD}
wtsd=${2:?usage: channels.sh BIN_DIR WTSD}
: "${BENCH_VC_ROUNDS:=5}" "${BENCH_VC_SIZE:=65536}" "${BENCH_VC_WINDOW:=4}"
: "${BENCH_VC_BYTES:=33554432}" "${BENCH_VC_RTTS:=2000}" "${BENCH_VC_RTT_SIZE:=64}"
: "${BENCH_VC_ADDIN_DIR:=/usr/lib/x86_64-linux-gnu/freerdp2}"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

for tool in xfreerdp xvfb-run winpr-hash openssl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		log "channels: skipped ($tool not found; packages freerdp2-x11 xvfb xauth winpr-utils openssl)"
		exit 77
	fi
done
if [ "$(id -u)" != 0 ]; then
	log "channels: skipped (needs root: wtsd, the addin directory)"
	exit 77
fi

dir=$(mktemp -d /tmp/openwts-bench-vc.XXXXXX) || exit 1
groups=()      # process groups we started (setsid): clients, servers, the app
wtsd_pid=
plugin_installed=
plugin="$BENCH_VC_ADDIN_DIR/libowtsben-client.so"

cleaned=
cleanup()
{
	stop_all || return
	[ -n "$plugin_installed" ] && rm -f "$plugin"
	if [ -n "${BENCH_VC_LOGS:-}" ]; then
		mkdir -p "$BENCH_VC_LOGS" && cp "$dir"/*.log "$dir"/*.err "$BENCH_VC_LOGS"/ 2>/dev/null
	fi
	rm -rf "$dir"
}
trap 'cleanup; exit 143' TERM INT
trap cleanup EXIT

fail()
{
	fail_with_logs "channels: $*" "$dir"/*.err "$dir"/*.log
}


# Starts a bench_vc program (name $1) reading commands from FIFO $dir/$1.in, answering on
# $dir/$1.out; the shell's ends go to the variables w_$1 and r_$1.
start_prog()
{
	local name=$1
	shift
	mkfifo "$dir/$name.in" "$dir/$name.out" || return 1
	setsid "$@" <"$dir/$name.in" >"$dir/$name.out" 2>"$dir/$name.err" &
	groups+=("$!")
	local w r
	exec {w}>"$dir/$name.in" {r}<"$dir/$name.out"
	printf -v "w_$name" %s "$w"
	printf -v "r_$name" %s "$r"
}

# Sends command $2 to program $1 and prints its answer (waits up to 300 s).
ask()
{
	local w="w_$1" r="r_$1" line
	printf '%s\n' "$2" >&"${!w}" || return 1
	while IFS= read -r -t 300 line <&"${!r}"; do
		case $line in ok* | error*) printf '%s\n' "$line"; return 0 ;; esac
	done
	return 1
}

# Waits for program $1's "ready".
wait_ready()
{
	local r="r_$1" line
	while IFS= read -r -t 90 line <&"${!r}"; do
		case $line in ready) return 0 ;; error*) return 1 ;; esac
	done
	return 1
}

user=benchuser
pass="Bench-$RANDOM$RANDOM.x"
mkdir -p "$dir/home" "$dir/state"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout "$dir/key.pem" \
	-out "$dir/cert.pem" >"$dir/openssl.log" 2>&1 || fail "openssl could not make a certificate"
winpr-hash -u "$user" -p "$pass" -f sam >"$dir/sam" 2>>"$dir/openssl.log" ||
	fail "winpr-hash failed"

if ! cmp -s "$bin/libowtsben-client.so" "$plugin"; then
	[ -e "$plugin" ] || plugin_installed=1
	mkdir -p "$BENCH_VC_ADDIN_DIR" && cp "$bin/libowtsben-client.so" "$plugin" ||
		fail "cannot install the plug-in into $BENCH_VC_ADDIN_DIR"
fi

port_o=$(free_port) && port_b=$(free_port) || fail "no free port"
[ "$port_o" != "$port_b" ] || port_b=$(free_port)

log "channels: wtsd on 127.0.0.1:$port_o, baseline FreeRDP server on 127.0.0.1:$port_b"
"$wtsd" --socket "$dir/wtsd.sock" --state-dir "$dir/state" --listen "127.0.0.1:$port_o" \
	--sam "$dir/sam" --user-map "$user:nobody" --cert "$dir/cert.pem" --key "$dir/key.pem" \
	>"$dir/wtsd.log" 2>&1 </dev/null &
wtsd_pid=$!
for ((i = 0; i < 200; i++)); do
	[ -S "$dir/wtsd.sock" ] && break
	kill -0 "$wtsd_pid" 2>/dev/null || fail "wtsd exited"
	sleep 0.05
done
[ -S "$dir/wtsd.sock" ] || fail "wtsd did not start"

start_prog base "$bin/bench_vc_server" --port "$port_b" --cert "$dir/cert.pem" \
	--key "$dir/key.pem" || fail "cannot start the baseline server"

client()
{
	local port=$1 name=$2
	HOME="$dir/home" start "$dir/client-$name.log" xvfb-run -a xfreerdp "/v:127.0.0.1:$port" \
		/cert:ignore "/u:$user" "/p:$pass" /size:640x480 /echo /vc:owtsben
}
client "$port_b" base
wait_ready base || fail "the baseline server's channels did not open"
client "$port_o" owts
OPENWTS_SOCKET="$dir/wtsd.sock" start_prog owts "$bin/bench_vc_app" ||
	fail "cannot start the app"
wait_ready owts || fail "the app's channels did not open"
log "channels: both sides ready"

# CPU time (clock ticks, all threads) of the pids given.
cpu_ticks()
{
	local pid t=0 f
	for pid in "$@"; do
		# Fields after the ")" of the command name: utime and stime are the 12th and 13th.
		f=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
		set -- $f
		t=$((t + ${12} + ${13}))
	done
	echo "$t"
}
hz=$(getconf CLK_TCK)
# The processes that do each side's work: server side (the baseline server; wtsd and the app)
# and the client.
# groups: the baseline server, its client, the OpenWTS client, the app (in start order).
pids_base_srv="${groups[0]}"
pids_owts_srv="$wtsd_pid ${groups[3]}"
pids_base_cli=$(pgrep -s "${groups[1]}" -x xfreerdp)
pids_owts_cli=$(pgrep -s "${groups[2]}" -x xfreerdp)

# One measurement; appends "value" lines to $dir/<side>.<ch>.<what>. Around the throughput run
# it also takes the CPU time of the side's server and client processes, per MiB echoed.
measure()
{
	local side=$1 ch=$2 a
	local srv="pids_${side}_srv" cli="pids_${side}_cli"
	local s0 c0
	s0=$(cpu_ticks ${!srv})
	c0=$(cpu_ticks ${!cli})
	a=$(ask "$side" "tput $ch $BENCH_VC_SIZE $BENCH_VC_WINDOW $BENCH_VC_BYTES") ||
		fail "$side: no answer to tput $ch"
	case $a in ok*) ;; *) fail "$side: tput $ch: $a" ;; esac
	awk -v t=$(($(cpu_ticks ${!srv}) - s0)) -v hz="$hz" -v b="$BENCH_VC_BYTES" \
		'BEGIN { printf "%.2f\n", t * 1000 / hz / (b / 1048576) }' >>"$dir/$side.$ch.srv_cpu_ms_mib"
	awk -v t=$(($(cpu_ticks ${!cli}) - c0)) -v hz="$hz" -v b="$BENCH_VC_BYTES" \
		'BEGIN { printf "%.2f\n", t * 1000 / hz / (b / 1048576) }' >>"$dir/$side.$ch.cli_cpu_ms_mib"
	awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
	END { printf "%.3f\n", v["bytes"] / 1048576 / (v["ns"] / 1e9) }' <<<"$a" \
		>>"$dir/$side.$ch.mib_s"
	a=$(ask "$side" "rtt $ch $BENCH_VC_RTT_SIZE $BENCH_VC_RTTS") ||
		fail "$side: no answer to rtt $ch"
	case $a in ok*) ;; *) fail "$side: rtt $ch: $a" ;; esac
	awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
	END { printf "%.1f %.1f\n", v["median_ns"] / 1000, v["p90_ns"] / 1000 }' <<<"$a" |
		while read -r med p90; do
			echo "$med" >>"$dir/$side.$ch.rtt_median_us"
			echo "$p90" >>"$dir/$side.$ch.rtt_p90_us"
		done
}

# Warm-up (discarded): caches, TCP windows, the client's first allocations.
for side in base owts; do
	for ch in dvc svc; do
		ask "$side" "tput $ch $BENCH_VC_SIZE $BENCH_VC_WINDOW $((BENCH_VC_SIZE * 32))" \
			>/dev/null || fail "$side: warm-up failed"
		ask "$side" "rtt $ch $BENCH_VC_RTT_SIZE 100" >/dev/null || fail "$side: warm-up failed"
	done
done

for ((round = 0; round < BENCH_VC_ROUNDS; round++)); do
	log "channels: round $((round + 1)) of $BENCH_VC_ROUNDS"
	for ch in dvc svc; do
		if ((round % 2 == 0)); then order="base owts"; else order="owts base"; fi
		for side in $order; do
			measure "$side" "$ch"
		done
	done
done
for side in base owts; do
	ask "$side" quit >/dev/null 2>&1
done

# The median of each series.
median()
{
	sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo "chan.rounds=$BENCH_VC_ROUNDS"
echo "chan.size=$BENCH_VC_SIZE"
echo "chan.window=$BENCH_VC_WINDOW"
echo "chan.bytes=$BENCH_VC_BYTES"
echo "chan.rtts=$BENCH_VC_RTTS"
echo "chan.rtt_size=$BENCH_VC_RTT_SIZE"
for f in "$dir"/*.mib_s "$dir"/*.rtt_median_us "$dir"/*.rtt_p90_us "$dir"/*_cpu_ms_mib; do
	k=$(basename "$f")
	echo "chan.$k=$(median "$f")"
	echo "chan.$k.all=$(paste -sd, "$f")"
done
# Paired per round (the two sides ran back to back, so a change of machine load hits both):
# the median of the rounds' throughput ratios and of their added median round trips.
for ch in dvc svc; do
	paste "$dir/owts.$ch.mib_s" "$dir/base.$ch.mib_s" | awk '{ printf "%.4f\n", $1 / $2 }' \
		>"$dir/$ch.ratio"
	paste "$dir/owts.$ch.rtt_median_us" "$dir/base.$ch.rtt_median_us" |
		awk '{ printf "%.1f\n", $1 - $2 }' >"$dir/$ch.added"
	echo "chan.$ch.paired_ratio=$(median "$dir/$ch.ratio")"
	echo "chan.$ch.paired_ratio.all=$(paste -sd, "$dir/$ch.ratio")"
	echo "chan.$ch.paired_added_us=$(median "$dir/$ch.added")"
	echo "chan.$ch.paired_added_us.all=$(paste -sd, "$dir/$ch.added")"
done
exit 0
