# tskill NAME /ID:n ends the processes of that name in session n only; /A in every session.
# The program is a copy of sleep under a name of this test's own: tests run in parallel, and
# the processes of other tests' daemons are in session 0 for this one, so "tskill sleep /A"
# would end theirs.
. "$(dirname "$0")/lib.sh"
name=tsk$$
cp /bin/sleep "$work/$name" || fail "cannot copy /bin/sleep"
create_session "$work/$name"
first=$SESSION first_pid=$PID
create_session "$work/$name"
second_pid=$PID

run "$TSKILL" "$name" /id:"$first" /v
expect_rc 0 "tskill $name /id:$first"
expect_out_line "End Process($first_pid)" "tskill $name /id:$first"
wait_gone "$first_pid" || fail "pid $first_pid is still in /proc"
[ -e "/proc/$second_pid" ] || fail "tskill $name /id:$first ended pid $second_pid of another session"

upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
run "$TSKILL" "$upper.EXE" /A --json
expect_rc 0 "tskill $upper.EXE /A --json"
printf '%s\n' "$OUT" | grep -q "\"pid\": $second_pid, \"image\": \"$name\", \"id\": $SESSION, \"error\": 0" ||
	fail "tskill --json: no result for pid $second_pid"
wait_gone "$second_pid" || fail "pid $second_pid is still in /proc"

run "$TSKILL" no-such-program /a
expect_rc 1 "tskill no-such-program /a"
expect_err_has "Could not find process: no-such-program" "tskill no-such-program /a"
echo "PASS: tskill by name"
