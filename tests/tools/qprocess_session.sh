# qprocess /id:N lists the process of session N with its user, session, pid and image; the other
# selections find it as well.
. "$(dirname "$0")/lib.sh"
create_session
line=$(process_line ' ' nobody '' "$SESSION" "$PID" sleep)

run "$QPROCESS" /id:"$SESSION"
expect_rc 0 "qprocess /id:$SESSION"
[ "$(printf '%s\n' "$OUT" | head -n 1)" = " USERNAME              SESSIONNAME         ID    PID  IMAGE" ] ||
	fail "qprocess: heading is not Windows' heading"
expect_out_line "$line" "qprocess /id:$SESSION"

for arg in "$PID" nobody sleep sleep.exe '*' -ID:"$SESSION"; do
	run "$QPROCESS" "$arg"
	expect_rc 0 "qprocess $arg"
	expect_out_line "$line" "qprocess $arg"
done

run "$QPROCESS" /id:"$SESSION" --json
expect_rc 0 "qprocess /id:$SESSION --json"
if have_python; then
	printf '%s\n' "$OUT" | python3 -c '
import json, sys
procs = json.load(sys.stdin)
pid, session = int(sys.argv[1]), int(sys.argv[2])
assert [p for p in procs if p["pid"] == pid and p["id"] == session and p["image"] == "sleep"
        and p["username"] == "nobody" and p["sid"] == "S-1-22-1-65534"], procs
' "$PID" "$SESSION" || fail "qprocess --json: no object for pid $PID"
else
	printf '%s\n' "$OUT" | grep -q "\"id\": $SESSION, \"pid\": $PID, \"image\": \"sleep\"" ||
		fail "qprocess --json: no object for pid $PID"
fi

run "$QPROCESS" /id:4000000
expect_rc 1 "qprocess /id:4000000"
expect_err_has "No Process exists for /ID:4000000" "qprocess /id:4000000"
echo "PASS: qprocess lists pid $PID of session $SESSION"
