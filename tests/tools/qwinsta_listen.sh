# qwinsta lists the listener RDP-Tcp as Windows does: ID 65536, state Listen, type rdpwd.
# Runs its own wtsd with --listen on a free loopback port (WTSD names the daemon).
if [ -z "${OPENWTS_SOCKET:-}" ]; then
	command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 picks the free port" >&2; exit 77; }
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	WTSD_ARGS="--listen 127.0.0.1:$port" exec sh "$(dirname "$0")/../with-wtsd.sh" "$WTSD" sh "$0"
fi
. "$(dirname "$0")/lib.sh"

run "$QWINSTA"
expect_rc 0 "qwinsta"
expect_out_line "$(session_line ' ' rdp-tcp '' 65536 Listen)  rdpwd" "qwinsta: RDP-Tcp"
run "$QWINSTA" --json
expect_rc 0 "qwinsta --json"
printf '%s\n' "$OUT" | grep -q '65536' || fail "qwinsta --json: no listener 65536"
echo "PASS: qwinsta lists RDP-Tcp (65536, Listen)"
