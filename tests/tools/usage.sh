# Every tool prints its help for /?, -?, -h and --help (exit 0) and its usage for a bad command
# line (exit 1); options are accepted as /opt, -opt and --opt in any case. No daemon is needed:
# OPENWTS_SOCKET points nowhere, so an accepted command line fails later with error 1722.
. "$(dirname "$0")/lib.sh"
set -f # the command lines below hold '*'
export OPENWTS_SOCKET="$work/no-daemon.sock"

for tool in "$QWINSTA" "$QPROCESS" "$TSKILL" "$RWINSTA" "$TSDISCON" "$LOGOFF"; do
	name=$(basename "$tool")
	upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
	for help in '/?' '-?' -h --help /HELP; do
		run "$tool" "$help"
		expect_rc 0 "$name $help"
		printf '%s\n' "$OUT" | grep -q "^$upper " || fail "$name $help: no synopsis on stdout"
	done
	for bad in /bogus -x --nope /server /server: /v:1 /json=yes / -; do
		run "$tool" "$bad"
		expect_rc 1 "$name $bad"
		printf '%s\n' "$ERR" | grep -q "^$upper " || fail "$name $bad: no usage on stderr"
		expect_err_has "/?, -h, --help" "$name $bad"
		[ -z "$OUT" ] || fail "$name $bad: wrote to stdout"
	done
done

# Too many or missing arguments, and contradictory options.
for cmd in "$QWINSTA a b" "$QPROCESS a b" "$QPROCESS x /id:1" "$QPROCESS /id:x" \
	"$QPROCESS /id:-1" "$TSKILL" "$TSKILL 1 2" "$TSKILL x /id:1 /a" "$TSKILL x /server:localhost" \
	"$RWINSTA" "$LOGOFF 1 2" "$QWINSTA /system" "$LOGOFF /a"; do
	run $cmd
	expect_rc 1 "$cmd"
	expect_err_has "/?, -h, --help" "$cmd"
done

# Lenient forms are accepted: they get as far as the (missing) daemon.
for cmd in "$QWINSTA -MODE" "$QWINSTA --counter" "$QWINSTA /Server:localhost" \
	"$QWINSTA -server=localhost --json" "$QPROCESS -id:3" "$QPROCESS /SYSTEM *" \
	"$TSKILL -A sleep" "$TSKILL sleep --ID=2 -v"; do
	run $cmd
	expect_rc 1 "$cmd"
	expect_err_has "Error [1722]:The RPC server is unavailable." "$cmd"
done
echo "PASS: help and usage of the six tools"
