#!/bin/sh
test_description='papictl audit: the log, and --verify catching entries edited or removed with sqlite3 behind the daemon'"'"'s back'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

test_expect_success 'a log of case work' '
	ctl_conf p.conf &&
	start_daemon -c p.conf &&
	inject +84912345701 "Đèn đường hẻm 45 bị hỏng cả tuần" && A=$REF &&
	inject +84912345702 "Rác thải bỏ bừa bãi ở chợ" && B=$REF &&
	ctl claim "$A" >/dev/null && ctl note "$A" "đã báo điện lực" >/dev/null &&
	ctl close "$B" >/dev/null &&
	N=$(sql "SELECT count(*) FROM audit") &&
	test "$N" -ge 7
'

test_expect_success 'audit lists the newest entries with the acting user' '
	ctl audit --limit 3 >out &&
	test "$(grep -c "^ *[0-9]" out)" = 3 &&
	test_grep "root *case.close *$B" out &&
	ctl --json audit >a.json &&
	test "$(jget a.json "\$.entries[0].id")" = 1 &&
	test "$(jget a.json "\$.entries[0].action")" = case.create
'

test_expect_success 'an untouched log verifies' '
	ctl audit --verify >out &&
	test_grep "^audit log verified: $N entries, the newest is $N" out
'

# Putting a removed entry back with sqlite3 fires the head trigger too:
# the tests set the head back as it was, to go on from a good log.
fix_head() {
	sql "UPDATE audit_head SET last_id = (SELECT max(id) FROM audit),
	    entries = (SELECT count(*) FROM audit),
	    hash = (SELECT hash FROM audit ORDER BY id DESC LIMIT 1)"
}

test_expect_success 'an entry edited with sqlite3 is caught, and which' '
	d=$(sql "SELECT detail FROM audit WHERE id = 3") &&
	sql "UPDATE audit SET detail = '"'nothing happened'"' WHERE id = 3" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "^audit log ALTERED" out &&
	test_grep "entry 3 was changed" out &&
	ctl --json audit --verify >v.json ;
	test "$(jget v.json "\$.first_bad")" = 3 &&
	sql "UPDATE audit SET detail = '\''$d'\'' WHERE id = 3" &&
	ctl audit --verify >/dev/null
'

test_expect_success 'a changed actor or time is caught too' '
	sql "UPDATE audit SET actor = '"'papigwd'"' WHERE id = 5" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "entry 5 was changed" out &&
	sql "UPDATE audit SET actor = '"'root'"' WHERE id = 5" &&
	sql "UPDATE audit SET at = at - 3600 WHERE id = 2" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "entry 2 was changed" out &&
	sql "UPDATE audit SET at = at + 3600 WHERE id = 2" &&
	ctl audit --verify >/dev/null
'

test_expect_success 'a removed entry in the middle is caught' '
	sql ".mode insert audit" "SELECT * FROM audit WHERE id = 4" >row4.sql &&
	sql "DELETE FROM audit WHERE id = 4" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "entry 5 does not follow entry 3" out &&
	sql <row4.sql && fix_head &&
	ctl audit --verify >/dev/null
'

test_expect_success 'the newest entry removed is caught (the stored head)' '
	last=$(sql "SELECT max(id) FROM audit") &&
	sql ".mode insert audit" "SELECT * FROM audit WHERE id = $last" >last.sql &&
	sql "DELETE FROM audit WHERE id = $last" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "the newest entries were removed" out &&
	sql <last.sql && fix_head &&
	ctl audit --verify >/dev/null
'

test_expect_success 'new entries go on from the chain; it still verifies' '
	ctl note "$A" "thêm ghi chú" >/dev/null &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"configuration reloaded\" daemon.log" &&
	wait_for "test \$(sql \"SELECT count(*) FROM audit WHERE action = '"'config.reload'"'\") = 1" &&
	ctl audit --verify >out &&
	test_grep "verified: $((N + 2)) entries" out
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
