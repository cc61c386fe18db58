# logoff, rwinsta and tsdiscon: while the daemon does not implement WTSLogoffSession and
# WTSDisconnectSession (docs/api says "not implemented"), they exit 1 with error 120; once it
# does, logoff and rwinsta end the session.
. "$(dirname "$0")/lib.sh"
create_session

# check TOOL FUNCTION VERB: runs "TOOL SESSION" and checks it against FUNCTION's status.
check()
{
	run "$1" "$SESSION"
	if [ "$(api_status "$2")" = "not implemented" ]; then
		expect_rc 1 "$1 $SESSION"
		expect_err_has "Could not $3 session ID $SESSION, Error code 120" "$1 $SESSION"
		expect_err_has "Error [120]:This function is not supported on this system." "$1 $SESSION"
	else
		printf '%s\n' "$ERR" | grep -q "Error code 120" && fail "$1 $SESSION: still error 120"
	fi
}

check "$TSDISCON" WTSDisconnectSession disconnect
check "$RWINSTA" WTSLogoffSession reset
if [ "$(api_status WTSLogoffSession)" = "not implemented" ]; then
	check "$LOGOFF" WTSLogoffSession "log off"
	run "$LOGOFF" "$SESSION" /v --json
	expect_rc 1 "logoff $SESSION /v --json"
	printf '%s\n' "$OUT" | grep -q "\"id\": $SESSION, \"sessionname\": \"\", \"error\": 120" ||
		fail "logoff --json: no error 120"
else
	# rwinsta (WTSLogoffSession) ended the session above.
	run "$QWINSTA" "$SESSION"
	expect_rc 1 "qwinsta $SESSION after rwinsta"
fi

run "$LOGOFF" no-such-session
expect_rc 1 "logoff no-such-session"
expect_err_has "Error [7022]:The specified session cannot be found." "logoff no-such-session"
echo "PASS: logoff, rwinsta, tsdiscon"
