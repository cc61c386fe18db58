# qwinsta --json is an array of objects with numeric ids and state names; filters apply to it.
. "$(dirname "$0")/lib.sh"
create_session

run "$QWINSTA" --json
expect_rc 0 "qwinsta --json"
if have_python; then
	printf '%s\n' "$OUT" | python3 -c '
import json, sys
sessions = json.load(sys.stdin)
want = int(sys.argv[1])
assert isinstance(sessions, list), "not an array"
by_id = {s["id"]: s for s in sessions}
assert all(isinstance(s["id"], int) for s in sessions), "ids are not numbers"
assert set(sessions[0]) == {"current", "sessionname", "username", "id", "state", "type", "device"}
assert by_id[0]["sessionname"] == "Services" and by_id[0]["state"] == "Disc", by_id[0]
assert by_id[0]["current"] is True, by_id[0]
assert by_id[want]["username"] == "nobody" and by_id[want]["state"] == "Disc", by_id[want]
' "$SESSION" || fail "qwinsta --json: the document does not hold what it should"
else
	echo "python3 not found: checking the JSON with grep"
	expect_out_line '[' "qwinsta --json"
	printf '%s\n' "$OUT" | grep -q '"sessionname": "Services", "username": "", "id": 0, "state": "Disc"' ||
		fail "qwinsta --json: no Services object"
	printf '%s\n' "$OUT" | grep -q "\"username\": \"nobody\", \"id\": $SESSION, \"state\": \"Disc\"" ||
		fail "qwinsta --json: no object for session $SESSION"
fi

run "$QWINSTA" "$SESSION" -json
expect_rc 0 "qwinsta $SESSION -json"
[ "$(printf '%s\n' "$OUT" | grep -c '"id": ')" -eq 1 ] || fail "qwinsta $SESSION -json: not one object"

run "$QWINSTA" no-such-session --json
expect_rc 1 "qwinsta no-such-session --json"
[ "$OUT" = "[]" ] || fail "qwinsta no-such-session --json: not an empty array"
echo "PASS: qwinsta --json"
