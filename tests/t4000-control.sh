#!/bin/sh
test_description='control socket: mode, protocol, roles, a second Unix user as an officer'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

UNIXSEND="$BUILD/tools/unixsend"

test_expect_success 'the socket is mode 0666 even under umask 077' '
	ctl_conf p.conf &&
	old_umask=$(umask) && umask 077 &&
	start_daemon -c p.conf &&
	umask "$old_umask" &&
	test -S control.sock &&
	test "$(stat -c %a control.sock)" = 666
'

test_requires_sqlite 'the store file'
test_expect_success 'the store file is mode 0600' '
	test "$(stat -c %a papigw.db)" = 600
'

test_expect_success 'root is an administrator' '
	ctl --json status >st.json &&
	test "$(jget st.json "\$.user")" = root &&
	test "$(jget st.json "\$.roles")" = root &&
	test "$(jget st.json "\$.outbox.queued")" = 0
'

test_expect_success 'a line that is not JSON: a usage error, then more requests' '
	printf "not json\n{\"cmd\":\"status\"}\n" | "$UNIXSEND" control.sock >ans &&
	test "$(sed -n 1p ans | grep -c "\"error\":\"usage\"")" = 1 &&
	sed -n 2p ans | grep -q "\"ok\":true"
'

test_expect_success 'unknown command, args not an object' '
	printf "{\"cmd\":\"rm -rf\"}\n{\"cmd\":\"list\",\"args\":[1]}\n" |
	    "$UNIXSEND" control.sock >ans &&
	grep -q "unknown command" ans &&
	grep -q "\"args\\\\\" must be an object" ans
'

test_expect_success 'a request line over 65536 bytes is refused' '
	head -c 70000 /dev/zero | tr "\0" a | "$UNIXSEND" control.sock >ans &&
	grep -q "request too large" ans &&
	ctl status >/dev/null
'

test_expect_success 'a second Unix user without a role is refused' '
	make_officer &&
	test_exit_status 1 as_officer status 2>err &&
	test_grep "user $OFFICER (uid [0-9]*) has no role" err &&
	test_grep "$OFFICER (uid [0-9]*) refused: no role" daemon.log
'

test_expect_success 'the user becomes an officer of security and infrastructure (reload)' '
	cat >>p.conf <<-EOF &&
	roles = ( { name = "ward-officers"; kind = "officer";
	    users = [ "$OFFICER" ];
	    categories = [ "security", "infrastructure" ]; } );
	EOF
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"configuration reloaded\" daemon.log" &&
	as_officer --json status >st.json &&
	test "$(jget st.json "\$.roles")" = ward-officers &&
	test "$(jget st.json "\$.outbox")" = ""
'

test_expect_success 'the reload is in the audit log, by root' '
	ctl --json audit >a.json &&
	test "$(sqlite3 :memory: "SELECT json_extract(value, \"\$.actor\")
	    FROM json_each(json_extract(readfile(\"a.json\"), \"\$.entries\"))
	    WHERE json_extract(value, \"\$.action\") = \"config.reload\"")" = root
'

test_expect_success 'cases: one of security, one of corruption (restricted)' '
	inject +84912345001 "Trộm xe máy ở hẻm 12, công an phường không đến" &&
	SEC=$REF &&
	inject +84912345002 "Cán bộ phường đòi 5 triệu mới làm sổ đỏ, tham nhũng" &&
	CORR=$REF &&
	test "$(sql "SELECT category FROM cases WHERE ref_number = ${SEC#PA-}")" = security &&
	test "$(sql "SELECT category FROM cases WHERE ref_number = ${CORR#PA-}")" = corruption
'

test_expect_success 'the officer lists its category and not the restricted one' '
	as_officer list >out &&
	test_grep "$SEC" out &&
	! grep -q "$CORR" out &&
	! grep -q corruption out &&
	ctl list >out && test_grep "$CORR" out
'

test_expect_success 'the officer is told "no case" for the restricted case' '
	test_exit_status 1 as_officer show "$CORR" 2>err &&
	test_grep "no case $CORR" err &&
	test_exit_status 1 as_officer note "$CORR" "x" 2>err &&
	test_grep "no case $CORR" err &&
	test_exit_status 1 as_officer show PA-999999 2>err2 &&
	sed "s/$CORR/REF/" err >e1 && sed "s/PA-999999/REF/" err2 >e2 &&
	cmp e1 e2
'

test_expect_success 'the restricted category is not listed, nor counted' '
	test_exit_status 1 as_officer list --category corruption 2>err &&
	test_grep "not among those of $OFFICER" err &&
	as_officer --json status >st.json &&
	test "$(jget st.json "\$.open")" = 1 &&
	test "$(jget st.json "\$.queues.corruption")" = "" &&
	ctl --json status >st.json &&
	test "$(jget st.json "\$.open")" = 2
'

test_expect_success 'the officer may not unmask a number, nor use the outbox' '
	test_exit_status 1 as_officer show --unmask "just curious" "$SEC" 2>err &&
	test_grep "administrators only" err &&
	test_exit_status 1 as_officer outbox 2>err &&
	test_grep "outbox is for administrators only" err &&
	test_exit_status 1 as_officer audit 2>err &&
	test_exit_status 1 as_officer inject --from +84900000000 "x" 2>err
'

test_expect_success 'the officer sees a masked number and a pseudonym' '
	as_officer --json show "$SEC" >c.json &&
	test "$(jget c.json "\$.from")" = "+84 91x xxx 001" &&
	test "$(jget c.json "\$.resident")" = "R-1" &&
	! grep -q 912345001 c.json
'

test_expect_success 'the officer works its own case; the audit names it' '
	as_officer claim "$SEC" >out &&
	test_grep "claimed by $OFFICER (received -> assigned)" out &&
	as_officer reply "$SEC" "Cong an phuong da den kiem tra" >out &&
	test_grep "queued as outbox" out &&
	test "$(sql "SELECT state, assignee FROM cases WHERE ref_number = ${SEC#PA-}")" = "in_progress|$OFFICER" &&
	test "$(sql "SELECT count(*) FROM audit WHERE actor = '"'$OFFICER'"' AND action IN ('"'case.claim'"', '"'case.reply'"')")" = 2 &&
	test "$(sql "SELECT count(*) FROM case_events WHERE actor = '"'$OFFICER'"'")" = 2
'

test_expect_success 'a restricted case cannot be assigned to the officer' '
	test_exit_status 1 ctl assign "$CORR" "$OFFICER" 2>err &&
	test_grep "$OFFICER has no role that sees category .corruption." err &&
	test "$(sql "SELECT coalesce(assignee, '"'none'"') FROM cases WHERE ref_number = ${CORR#PA-}")" = none &&
	test_exit_status 2 ctl assign "$CORR" no-such-user-here 2>err &&
	test_grep "no Unix user" err
'

test_expect_success 'an administrator unmasks with a reason, audited' '
	test_exit_status 2 ctl show --unmask "" "$CORR" 2>err &&
	ctl show --unmask "court order 12/2026" "$CORR" >out &&
	test_grep "Number: *+84912345002 (unmasked, audited)" out &&
	test "$(sql "SELECT actor || '"' '"' || detail FROM audit WHERE action = '"'case.unmask'"'")" = "root reason: court order 12/2026" &&
	test_grep "root unmasked the number of case" daemon.log
'

test_expect_success 'reports leave the restricted category out, totals too' '
	q=$(date +%Y)Q$(( ($(date +%-m) + 2) / 3 )) &&
	as_officer --json report --quarter "$q" >r1.json &&
	ctl --json report --quarter "$q" >r2.json &&
	test "$(jget r1.json "\$.total.cases")" = 1 &&
	test "$(jget r2.json "\$.total.cases")" = 2 &&
	! grep -q "\"id\":\"corruption\"" r1.json &&
	grep -q "\"id\":\"corruption\"" r2.json
'

test_expect_success 'too many clients: the next one is told to try again' '
	sed -i "s|^control = .*|control = { socket = \"$TRASH/control.sock\"; max_clients = 1; };|" p.conf &&
	kill -HUP $daemon_pid &&
	wait_for "test \$(grep -c \"configuration reloaded\" daemon.log) -ge 2" &&
	{ printf "" | "$UNIXSEND" control.sock 20000 >/dev/null & } &&
	holder=$! &&
	wait_for "grep -q \"too many\" err3 2>/dev/null ||
	    { ctl status >/dev/null 2>err3; false; }" 15 &&
	test_grep "too many papictl clients at once" err3 &&
	{ kill $holder; wait $holder; true; } &&
	wait_for "ctl status >/dev/null" 10
'

# Holds n connections as the user with ARGS to setpriv, for 3 s; their
# pids are in $holders.
hold_as() {
	n=$1
	shift
	holders=""
	while [ "$n" -gt 0 ]; do
		printf "" | setpriv "$@" "$UNIXSEND" control.sock 3000 \
		    >>held 2>&1 &
		holders="$holders $!"
		n=$((n - 1))
	done
}

test_expect_success 'users without a role take no slot; one is left for administrators' '
	sed -i "s|^control = .*|control = { socket = \"$TRASH/control.sock\"; max_clients = 2; };|" p.conf &&
	kill -HUP $daemon_pid &&
	wait_for "test \$(grep -c \"configuration reloaded\" daemon.log) -ge 3" &&
	: >held &&
	hold_as 5 --reuid=65534 --regid=65534 --clear-groups &&
	wait_for "test \$(grep -c \"has no role\" held) -eq 5" 5 &&
	ctl status >/dev/null &&
	: >held &&
	hold_as 2 --reuid="$OFFICER" --regid="$(id -g "$OFFICER")" \
	    --init-groups &&
	wait_for "grep -q \"too many papictl clients\" held" 5 &&
	ctl status >/dev/null &&
	wait $holders
'

test_expect_success 'SIGTERM removes the socket' '
	stop_daemon && test "$daemon_status" -eq 0 &&
	! test -e control.sock
'

test_done
