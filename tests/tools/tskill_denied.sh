# tskill run as nobody cannot end a process of root: access denied (5), exit 1, still running.
. "$(dirname "$0")/lib.sh"
need_root
command -v setpriv >/dev/null 2>&1 || skip "setpriv (util-linux) not found"
sleep 300 &
victim=$!
trap 'kill $victim 2>/dev/null; rm -rf "$work"' EXIT
as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"

run $as_nobody "$TSKILL" "$victim"
expect_rc 1 "tskill $victim as nobody"
expect_err_has "Could not kill process ID $victim, Error code 5" "tskill $victim as nobody"
expect_err_has "Error [5]:Access is denied." "tskill $victim as nobody"
[ -e "/proc/$victim" ] || fail "the root process $victim ended"

run $as_nobody "$TSKILL" "$victim" --json
expect_rc 1 "tskill $victim --json as nobody"
printf '%s\n' "$OUT" | grep -q "\"pid\": $victim, .*\"error\": 5, \"message\": \"Access is denied.\"" ||
	fail "tskill --json as nobody: no error 5"
echo "PASS: tskill as nobody is denied a root process"
