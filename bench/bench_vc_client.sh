#!/bin/bash
# bench/bench_vc_client.sh — benchmark 5: receive throughput of a Windows-style plug-in running in
# xfreerdp through the OpenWTS bridge, against the same logic written as a native FreeRDP addin,
# on the same kind of connection (127.0.0.1, TLS, one static channel, the same FreeRDP test
# server sending the same messages).
#
#	bench/bench_vc_client.sh SERVER BRIDGE.so PLUGIN.so NATIVE.so
#
# SERVER is tests/vchannel/vc_test_server (bench mode), BRIDGE.so libopenwts-client.so,
# PLUGIN.so tests/vchannel/e2e_plugin.c built (libowtse2e.so), NATIVE.so bench_vc_client_native.c
# built. Each round runs one xfreerdp connection per variant, in alternating order; each
# connection receives BENCH_VCC_REPS (5) times BENCH_VCC_BYTES (64 MiB) in messages of
# BENCH_VCC_MSG (65536) bytes; a connection's figure is its best repetition (the others pay for
# warm-up and scheduling noise). BENCH_VCC_ROUNDS (5) rounds. Prints raw figures as key=value:
# vcc.bridge.mib_s and vcc.native.mib_s (medians over rounds) and vcc.paired_ratio (median of the
# per-round bridge/native ratios). Installs both addins into FreeRDP's addin directory under names
# of this run and removes them (and the directory, if it created it) at the end.
# Exit: 0, 1 on a failure, 77 when not root or without xfreerdp / xvfb-run / openssl.
set -u

[ $# -eq 4 ] || { echo "usage: $0 SERVER BRIDGE.so PLUGIN.so NATIVE.so" >&2; exit 2; }
server=$1 bridge=$2 plugin=$3 native=$4
: "${BENCH_VCC_REPS:=5}" "${BENCH_VCC_BYTES:=67108864}" "${BENCH_VCC_MSG:=65536}"
: "${BENCH_VCC_ROUNDS:=5}"
addin_dir=${OPENWTS_FREERDP_ADDIN_DIR:-/usr/lib/x86_64-linux-gnu/freerdp2}

if [ "$(id -u)" != 0 ]; then
	echo "bench_vc_client: needs root (installs into $addin_dir)" >&2
	exit 77
fi
for t in xfreerdp xvfb-run openssl; do
	command -v $t >/dev/null 2>&1 || { echo "bench_vc_client: $t missing" >&2; exit 77; }
done

tmp=$(mktemp -d /tmp/openwts-vcc.XXXXXX) || exit 1
made_dir=0
[ -d "$addin_dir" ] || { mkdir -p "$addin_dir" && made_dir=1; }
bname=owtsvcb$$ nname=owtsvcn$$
cleanup() {
	[ -n "${cpid:-}" ] && kill -KILL -- -"$cpid" 2>/dev/null
	[ -n "${spid:-}" ] && kill -KILL -- -"$spid" 2>/dev/null
	rm -f "$addin_dir/lib$bname-client.so" "$addin_dir/lib$nname-client.so"
	[ $made_dir -eq 1 ] && rmdir "$addin_dir" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$bridge" "$addin_dir/lib$bname-client.so" && cp "$native" "$addin_dir/lib$nname-client.so" ||
	exit 1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 1 \
	-subj /CN=localhost >/dev/null 2>&1 || exit 1
mkdir -p "$tmp/home"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# One connection of variant $1 (bridge | native); prints its best MiB/s.
run_one() {
	local vc port log=$tmp/server-$1.log
	if [ "$1" = bridge ]; then vc="/vc:$bname,$plugin"; else vc="/vc:$nname"; fi
	port=$(free_port)
	setsid "$server" --port "$port" --cert "$tmp/cert.pem" --key "$tmp/key.pem" bench \
		"$BENCH_VCC_REPS" "$BENCH_VCC_BYTES" "$BENCH_VCC_MSG" >"$log" 2>&1 &
	spid=$!
	for _ in $(seq 100); do grep -q listening "$log" && break; sleep 0.05; done
	HOME=$tmp/home setsid xvfb-run -a xfreerdp "/v:127.0.0.1:$port" /cert:ignore /u:b /p:b \
		/sec:tls -clipboard "$vc" >"$tmp/client-$1.log" 2>&1 &
	cpid=$!
	wait "$spid"
	local rc=$?
	spid=
	kill -KILL -- -"$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
	cpid=
	if [ $rc -ne 0 ] || ! grep -q PASS "$log"; then
		echo "bench_vc_client: $1 run failed:" >&2
		tail -n 5 "$log" "$tmp/client-$1.log" >&2
		return 1
	fi
	awk -F'[ =]' '/^rep=/ { v = $4 / $6 / 1048576; if (v > best) best = v } END { printf "%.1f\n", best }' "$log"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

: >"$tmp/b" >"$tmp/n" >"$tmp/r"
for ((i = 0; i < BENCH_VCC_ROUNDS; i++)); do
	if [ $((i % 2)) -eq 0 ]; then
		b=$(run_one bridge) || exit 1
		n=$(run_one native) || exit 1
	else
		n=$(run_one native) || exit 1
		b=$(run_one bridge) || exit 1
	fi
	echo "$b" >>"$tmp/b"
	echo "$n" >>"$tmp/n"
	awk -v b="$b" -v n="$n" 'BEGIN { printf "%.4f\n", (n > 0) ? b / n : 0 }' >>"$tmp/r"
	echo "bench_vc_client: round $((i + 1)): bridge $b MiB/s, native $n MiB/s" >&2
done
echo "vcc.rounds=$BENCH_VCC_ROUNDS"
echo "vcc.bytes=$BENCH_VCC_BYTES"
echo "vcc.msg=$BENCH_VCC_MSG"
echo "vcc.bridge.mib_s=$(median <"$tmp/b")"
echo "vcc.native.mib_s=$(median <"$tmp/n")"
echo "vcc.paired_ratio=$(median <"$tmp/r")"
