# tskill PID ends the process: it leaves /proc, and qprocess no longer finds it.
. "$(dirname "$0")/lib.sh"
create_session

run "$TSKILL" "$PID" /V
expect_rc 0 "tskill $PID /V"
expect_out_line "End Process($PID)" "tskill $PID /V"
wait_gone "$PID" || fail "pid $PID is still in /proc after tskill"

run "$QPROCESS" "$PID"
expect_rc 1 "qprocess $PID after tskill"

run "$TSKILL" "$PID"
expect_rc 1 "tskill of a pid that is gone"
expect_err_has "Could not kill process ID $PID, Error code 87" "tskill of a pid that is gone"
echo "PASS: tskill $PID"
