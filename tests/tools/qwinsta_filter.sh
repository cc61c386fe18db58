# qwinsta's argument selects by id, session name or user name (case ignored); its options
# change the columns.
. "$(dirname "$0")/lib.sh"
create_session
nobody=$(session_line ' ' '' nobody "$SESSION" Disc)
services=$(session_line '>' services '' 0 Disc)

run "$QWINSTA" "$SESSION"
expect_rc 0 "qwinsta $SESSION"
expect_out_line "$nobody" "qwinsta $SESSION"
[ "$(printf '%s\n' "$OUT" | wc -l)" -eq 2 ] || fail "qwinsta $SESSION: not heading and one line"

run "$QWINSTA" SERVICES
expect_rc 0 "qwinsta SERVICES"
expect_out_line "$services" "qwinsta SERVICES"
[ "$(printf '%s\n' "$OUT" | wc -l)" -eq 2 ] || fail "qwinsta SERVICES: not heading and one line"

run "$QWINSTA" NoBody
expect_rc 0 "qwinsta NoBody"
expect_out_line "$nobody" "qwinsta NoBody"
printf '%s\n' "$OUT" | grep -q services && fail "qwinsta NoBody: lists services"

run "$QWINSTA" 4000000
expect_rc 1 "qwinsta 4000000"
expect_err_has "No session exists for 4000000" "qwinsta 4000000"

run "$QWINSTA" /COUNTER
expect_rc 0 "qwinsta /COUNTER"
printf '%s\n' "$OUT" | head -n 1 | grep -q 'STATE      INBYTES   OUTBYTES   INFRAMES  OUTFRAMES$' ||
	fail "qwinsta /COUNTER: no counter columns"

for opt in /mode /flow /connect; do
	run "$QWINSTA" $opt
	expect_rc 0 "qwinsta $opt"
	printf '%s\n' "$OUT" | head -n 1 | grep -q 'SETTINGS$' || fail "qwinsta $opt: no settings column"
done

run "$QWINSTA" /server:localhost
expect_rc 0 "qwinsta /server:localhost"
expect_out_line "$nobody" "qwinsta /server:localhost"

run "$QWINSTA" /server:remote.invalid
expect_rc 1 "qwinsta /server:remote.invalid"
expect_err_has "Error [50]:The request is not supported." "qwinsta /server:remote.invalid"
echo "PASS: qwinsta filters and options"
