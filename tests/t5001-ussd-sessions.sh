#!/bin/sh
test_description='USSD sessions: a restart, retries after it, timeouts, a full table'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ussd.sh"

MSG='Den duong hem 9 hong*tu thang truoc'

# restart ARGS...: stops the daemon and starts it again with ARGS (the
# log is emptied first: start_daemon waits for its "started" line).
restart() {
	stop_daemon && test "$daemon_status" = 0 &&
	: >"$TRASH/daemon.log" &&
	start_daemon "$@"
}

test_expect_success 'setup: a session half way through the report' '
	write_conf u.conf "$USSD_CONF" &&
	start_daemon -c u.conf &&
	ussd k1 "" && ussd k1 1 && ussd k1 1*3 &&
	grep -q "^CON Duong, dien, nuoc, rac: nhap noi dung" body
'

test_expect_success 'restart: the session goes on where it was' '
	restart -c u.conf &&
	ussd k1 "1*3*$MSG" &&
	test_screen "CON Gui phan anh Duong, dien, nuoc, rac:
$MSG
1. Gui
$NAV" &&
	ussd k1 "1*3*$MSG*1" && test "$(ref_of)" = PA-000001 &&
	test "$(q "SELECT text FROM inbound
	    WHERE provider_msg_id = '"'ussd:k1'"'")" = "$MSG"
'

test_expect_success 'restart: a retried last request gets the same reference' '
	restart -c u.conf &&
	ussd k1 "1*3*$MSG*1" &&
	grep -q "^END Da tiep nhan phan anh. Ma ho so: PA-000001\." body &&
	test "$(rows cases)" = 1 && test "$(rows inbound)" = 1
'

test_expect_success 'restart in the middle of the confirmation: replayed, then sent' '
	ussd k2 "" && ussd k2 1 && ussd k2 1*2 && ussd k2 "1*2*Trom xe" &&
	restart -c u.conf &&
	ussd k2 "1*2*Trom xe*0" &&
	grep -q "^CON An ninh trat tu: nhap noi dung" body &&
	ussd k2 "1*2*Trom xe*0*Trom xe may" &&
	ussd k2 "1*2*Trom xe*0*Trom xe may*1" && test "$(ref_of)" = PA-000002 &&
	test "$(q "SELECT text FROM inbound
	    WHERE provider_msg_id = '"'ussd:k2'"'")" = "Trom xe may"
'

test_expect_success 'timeout: a session past ussd.session_timeout ends, politely' '
	restart -c u.conf -o ussd.session_timeout=1 &&
	ussd t1 "" && ussd t1 1 && grep -q "^CON Chon linh vuc" body &&
	wait_for "grep -q \"ussd: session t1 timed out\" daemon.log" 5 &&
	ussd t1 1*2 &&
	test_screen "END Phien lam viec da het han. Vui long quay so lai." &&
	ussd t1 1*2*abc &&
	test_screen "END Phien lam viec da het han. Vui long quay so lai."
'

test_expect_success 'timeout: a new session is not affected' '
	ussd t2 "" && test_screen "CON $MAIN"
'

test_expect_success 'a full table: a new session is refused while all are in use' '
	restart -c u.conf -o ussd.max_sessions=2 &&
	ussd f1 "" && test_screen "CON $MAIN" &&
	ussd f2 "" && test_screen "CON $MAIN" &&
	ussd f3 "" && test_screen "END He thong dang ban. Vui long quay so \
lai sau it phut. Xin cam on!"
'

test_expect_success 'a full table: once one is quiet, the oldest is dropped' '
	wait_for "ussd f3 \"\" && grep -q \"^CON \" body" 5 &&
	test_screen "CON $MAIN" &&
	ussd f3 1 && grep -q "^CON Chon linh vuc" body &&
	ussd f2 1 && grep -q "^CON Chon linh vuc" body
'

test_expect_success 'a full table: the dropped session is replayed from its text' '
	wait_for "ussd f1 1*4 && grep -q \"^CON \" body" 5 &&
	grep -q "^CON Thu tuc hanh chinh: nhap noi dung" body
'

test_expect_success 'stop' '
	stop_daemon && test "$daemon_status" = 0
'

test_done
