# qwinsta lists Services (ID 0, Disc) and a created session (nobody, Disc) in Windows' columns.
. "$(dirname "$0")/lib.sh"
create_session

run "$QWINSTA"
expect_rc 0 "qwinsta"
[ "$(printf '%s\n' "$OUT" | head -n 1)" = \
	" SESSIONNAME       USERNAME                 ID  STATE   TYPE        DEVICE" ] ||
	fail "qwinsta: heading is not Windows' heading"
# This test runs outside every created session: in session 0, marked '>'.
expect_out_line "$(session_line '>' services '' 0 Disc)" "qwinsta: Services"
expect_out_line "$(session_line ' ' '' nobody "$SESSION" Disc)" "qwinsta: session $SESSION"
[ "$(printf '%s\n' "$OUT" | grep -c '^>')" -eq 1 ] || fail "qwinsta: not exactly one '>' line"
echo "PASS: qwinsta lists session 0 and session $SESSION"
