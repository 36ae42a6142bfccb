#!/bin/sh
test_description='the deadline timer: overdue cases, the officer'"'"'s SMS notice, metrics; retention erasure of numbers'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

# The clock the test controls: deadlines and closing times are moved into
# the past with sqlite3, behind the daemon's back, and the timer (every
# second) finds them; nothing waits for a real deadline.
past() {
	sql "UPDATE cases SET $2 = strftime('%s', 'now') - $3
	    WHERE ref_number = ${1#PA-}"
}

col() {
	sql "SELECT $2 FROM cases WHERE ref_number = ${1#PA-}"
}

metric() {
	curl -s "http://127.0.0.1:$port/metrics" | sed -n "s/^$1 //p"
}

test_expect_success 'start: timer every second, a duty officer number, 30 days of retention' '
	ctl_conf p.conf "
channels = ( { name = \"gen\"; type = \"generic\";
    base_url = \"http://127.0.0.1:9\"; } );
deadlines = { check_interval = 1; notify_number = \"+84900000009\";
    notify_channel = \"gen\"; };
privacy = { retention_days = 30; };" &&
	start_daemon -c p.conf &&
	inject +84912345801 "Cống thoát nước hẻm 7 bị tắc, nước tràn vào nhà" && A=$REF &&
	inject +84912345802 "Trộm cắp ở chợ Nguyễn Tri Phương ban đêm" && B=$REF &&
	inject +84912345803 "Đèn đường tổ 4 không sáng" && C=$REF &&
	wait_for "test \"\$(metric papigw_cases_overdue)\" = 0"
'

test_expect_success 'a deadline passed without an answer: overdue' '
	past "$A" deadline 60 &&
	wait_for "test \"\$(col $A \"CAST(overdue IS NOT NULL AS INTEGER)\")\" = 1" &&
	ctl list --overdue >out &&
	test "$(grep -c "^PA-" out)" = 1 &&
	test_grep "^$A  *[0-9]*[mhd]! " out &&
	test_grep "^(! past its deadline)" out &&
	ctl list --overdue --wide >out &&
	test_grep "^$A .* overdue" out &&
	ctl --json status >st.json &&
	test "$(jget st.json "\$.overdue")" = 1 &&
	test "$(jget st.json "\$.queues.infrastructure.overdue")" = 1 &&
	wait_for "grep -q \"deadlines: 1 case overdue: $A (officer notified by SMS)\" daemon.log" &&
	test "$(sql "SELECT count(*) FROM audit WHERE action = '"'case.overdue'"' AND case_id = $(col "$A" id)")" = 1
'

test_expect_success 'the duty officer gets one SMS naming the case' '
	test "$(sql "SELECT kind || '"' '"' || text FROM outbox WHERE recipient = '"'+84900000009'"'")" = "info papigw: 1 ho so tre han: $A" &&
	test "$(sql "SELECT channel FROM outbox WHERE recipient = '"'+84900000009'"'")" = gen
'

test_expect_success 'metrics: the gauge and the counter' '
	wait_for "test \"\$(metric papigw_cases_overdue)\" = 1" &&
	test "$(metric papigw_cases_overdue_marked_total)" = 1
'

test_expect_success 'marked once: the next runs leave it' '
	wait_for "test \$(grep -c \"deadlines:\" daemon.log) -ge 1" &&
	past "$B" deadline 10 &&
	wait_for "test \"\$(col $B \"CAST(overdue IS NOT NULL AS INTEGER)\")\" = 1" &&
	test "$(sql "SELECT count(*) FROM audit WHERE action = '"'case.overdue'"'")" = 2 &&
	test "$(metric papigw_cases_overdue_marked_total)" = 2
'

test_expect_success 'an answer clears it, and an answered case is not marked again' '
	ctl reply "$A" "Đã báo công ty thoát nước" >/dev/null &&
	test "$(col "$A" "CAST(overdue IS NULL AS INTEGER)")" = 1 &&
	ctl reply "$B" "Công an phường đã tăng tuần tra" >/dev/null &&
	wait_for "test \"\$(metric papigw_cases_overdue)\" = 0" &&
	test "$(col "$A" "CAST(overdue IS NULL AS INTEGER)")" = 1 &&
	ctl list --overdue >out && test_grep "no cases" out
'

# Times are in seconds: a case waits for an answer again when it was
# reopened after its last answer (reopened > answered).  A reopening in the
# second of the last answer, or an answer in the second of a reopening,
# must still come after it.  The test makes the clash certain by putting
# the last answer 30 seconds ahead of the clock, as if the reopening came
# in its second.
test_expect_success 'reopened in the second of its last answer: waiting again, then overdue' '
	sql "UPDATE cases SET answered = strftime('"'%s'"', '"'now'"') + 30
	    WHERE ref_number = ${A#PA-}" &&
	ctl close "$A" >/dev/null && ctl reopen "$A" >/dev/null &&
	test "$(col "$A" "CAST(reopened > answered AS INTEGER)")" = 1 &&
	test "$(col "$A" "CAST(deadline > strftime('"'%s'"', '"'now'"') AS INTEGER)")" = 1 &&
	past "$A" deadline 5 &&
	wait_for "test \"\$(col $A \"CAST(overdue IS NOT NULL AS INTEGER)\")\" = 1" &&
	ctl reply "$A" "Đã xử lý lại" >/dev/null &&
	test "$(col "$A" "CAST(overdue IS NULL AS INTEGER)")" = 1 &&
	test "$(col "$A" "CAST(reopened > answered AS INTEGER)")" = 0
'

test_expect_success 'a closed case is never overdue' '
	ctl close "$C" >/dev/null &&
	past "$C" deadline 100 &&
	wait_for "test \"\$(metric papigw_cases_overdue)\" = 0" &&
	test "$(col "$C" "CAST(overdue IS NULL AS INTEGER)")" = 1
'

test_expect_success 'retention: 30 days after closing, the number is erased' '
	test "$(col "$C" "sender")" = "+84912345803" &&
	past "$C" closed $((31 * 86400)) &&
	wait_for "test \"\$(col $C \"CAST(erased IS NOT NULL AS INTEGER)\")\" = 1" &&
	test "$(col "$C" "sender")" = "" &&
	test "$(sql "SELECT count(*) FROM inbound WHERE sender LIKE '"'%345803'"'")" = 0 &&
	test "$(sql "SELECT count(*) FROM outbox WHERE recipient LIKE '"'%345803'"'")" = 0 &&
	test "$(sql "SELECT count(*) FROM pseudonyms WHERE sender LIKE '"'%345803'"'")" = 0 &&
	test "$(sql "SELECT count(*) FROM inbound WHERE case_id = $(col "$C" id)")" -ge 1 &&
	wait_for "grep -q \"retention: numbers erased from 1 case\" daemon.log" &&
	test "$(sql "SELECT count(*) FROM audit WHERE action = '"'privacy.erase'"'")" -ge 1
'

test_expect_success 'an erased case keeps its text, pseudonym and figures' '
	ctl show "$C" >out &&
	test_grep "From: *R-3 (erased)" out &&
	test_grep "Đèn đường tổ 4 không sáng" out &&
	! grep -q 345803 out &&
	test_exit_status 1 ctl reply "$C" "x" 2>err &&
	test_grep "number was erased" err &&
	test_exit_status 1 ctl show --unmask "court order" "$C" 2>err &&
	test_grep "number was erased" err &&
	q=$(date +%Y)Q$(( ($(date +%-m) + 2) / 3 )) &&
	ctl --json report --quarter "$q" >r.json &&
	test "$(jget r.json "\$.total.cases")" = 3
'

test_expect_success 'a case not closed long enough keeps its number' '
	ctl close "$B" >/dev/null &&
	past "$B" closed $((29 * 86400)) &&
	inject +84912345804 "Vỉa hè bị lấn chiếm" && E=$REF &&
	past "$E" deadline 1 &&
	wait_for "test \"\$(col $E \"CAST(overdue IS NOT NULL AS INTEGER)\")\" = 1" &&
	test "$(col "$B" "sender || coalesce(erased, 0)")" = "+849123458020"
'

test_expect_success 'the pseudonym keeps the number while a case of it does' '
	inject +84912345802 "Lại có trộm ở chợ, lần này là xe đạp" && D=$REF &&
	test "$(col "$D" resident)" = "$(col "$B" resident)" &&
	past "$B" closed $((31 * 86400)) &&
	wait_for "test \"\$(col $B \"CAST(erased IS NOT NULL AS INTEGER)\")\" = 1" &&
	test "$(sql "SELECT sender FROM pseudonyms WHERE id = $(col "$D" resident)")" = "+84912345802"
'

test_expect_success 'messages that opened no case lose their number too' '
	ctl inject --from +84912345899 "xin chào" >out &&
	test_grep "no case" out &&
	sql "UPDATE inbound SET received = received - 31 * 86400
	    WHERE sender = '"'+84912345899'"'" &&
	wait_for "test \"\$(sql \"SELECT count(*) FROM inbound WHERE sender = '"'+84912345899'"'\")\" = 0" &&
	test "$(sql "SELECT count(*) FROM inbound WHERE text = '"'xin chào'"'")" = 1
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
