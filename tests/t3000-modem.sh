#!/bin/sh
test_description='modem channel on Gammu'"'"'s dummy phone: receiving, parts, acks, faults, bursts'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"

INJECT="$SRC_DIR/scripts/modem-inject"
PHONE="$TRASH/phone"
PHONE2="$TRASH/phone2"
LAMP='Đèn đường hẻm 12 bị hỏng mấy tuần nay, tối đi rất nguy hiểm'
LONG='Cống thoát nước hẻm 42 đường Nguyễn Tri Phương bị tắc mấy tuần nay, mỗi khi mưa là nước ngập tới đầu gối, xe máy chết máy giữa đường, nhờ phường cho người xuống xem giúp ạ'

# inbox_empty: no message file left in the dummy phone's SIM inbox.
inbox_empty() {
	[ -z "$(ls "$PHONE/sms/1" 2>/dev/null | grep -E '^[0-9]+$')" ]
}

# stored SENDER: how many inbound rows came from SENDER on the modem.
stored() {
	rows inbound channel=gsm sender="$1"
}

# modem_conf [ENABLED]: m.conf with the modem channel on the dummy phone.
modem_conf() {
	HTTP_PORT=${port:-} write_conf m.conf "channels = ( {
		name = \"gsm\"; type = \"modem\"; device = \"$PHONE\";
		model = \"dummy\"; connection = \"none\"; enabled = ${1:-true};
		poll_interval = 1; send_rate = 0; number = \"+84280000000\";
		reply_parts = 3;	# a long acknowledgement: parts recorded
	}, {
		name = \"gsm2\"; type = \"modem\"; device = \"$PHONE2\";
		model = \"dummy\"; connection = \"none\"; poll_interval = 1;
	} );"
}

test_expect_success 'setup: the daemon on a dummy phone; /healthz says up' '
	mkdir -p "$PHONE" "$PHONE2" && modem_conf &&
	start_daemon -c m.conf -o ingest.concat_timeout=10 &&
	wait_for "http /healthz && test_status 200" 10 &&
	test_body ok && test -d "$PHONE/sms/1"
'

test_expect_success 'a single message: stored, a case, gone from the SIM' '
	"$INJECT" "$PHONE" +84901000001 "$LAMP" >files &&
	test_grep "sms/1/" files &&
	wait_for "test \"\$(stored +84901000001)\" = 1" 10 &&
	test "$(q "SELECT text, recipient, encoding FROM inbound
	    WHERE sender = '"'+84901000001'"'")" = "$LAMP|+84280000000|ucs2" &&
	test "$(rows cases sender=+84901000001 category=infrastructure)" = 1 &&
	wait_for inbox_empty 5
'

test_expect_success 'its acknowledgement goes out through the modem, every part recorded' '
	wait_for "test \"\$(q \"SELECT state FROM outbox WHERE
	    recipient = '"'+84901000001'"'\")\" = sent" 15 &&
	segs=$(q "SELECT segments FROM outbox WHERE recipient = '"'+84901000001'"'") &&
	test "$segs" -ge 2 &&
	pid=$(q "SELECT provider_msg_id FROM outbox WHERE sent IS NOT NULL
	    AND recipient = '"'+84901000001'"'") &&
	mrs=${pid#*:} &&
	test "$(echo "$mrs" | tr , "\n" | grep -c "^255$")" = "$segs" &&
	http /metrics && test_grep "^papigw_modem_parts_sent_total{channel=\"gsm\"} $segs$" body
'

test_expect_success 'a second modem reads its own phone on its own thread' '
	"$INJECT" "$PHONE2" +84901000011 "$LAMP (modem 2)" >/dev/null &&
	wait_for "test \"\$(rows inbound channel=gsm2 sender=+84901000011)\" = 1" 10 &&
	test "$(stored +84901000011)" = 0 &&
	wait_for "http /metrics &&
	    grep -q \"^papigw_modem_received_total{channel=.gsm2.} 1$\" body" 5 &&
	test_grep "^papigw_modem_up{channel=\"gsm2\"} 1$" body
'

test_expect_success 'a long message in three parts, in order: one message' '
	"$INJECT" -n 3 -r 11 "$PHONE" +84901000002 "$LONG" >/dev/null &&
	wait_for "test \"\$(stored +84901000002)\" = 1" 10 &&
	test "$(q "SELECT text FROM inbound WHERE sender = '"'+84901000002'"'")" = "$LONG" &&
	test "$(rows parts sender=+84901000002 ref=11)" = 3 &&
	test "$(q "SELECT count(*) FROM parts WHERE sender = '"'+84901000002'"'
	    AND assembled IS NULL")" = 0 &&
	wait_for inbox_empty 5
'

test_expect_success 'parts out of order (3, 1, 2): the text in order' '
	"$INJECT" -n 3 -o 3,1,2 -r 12 "$PHONE" +84901000003 "$LONG" >/dev/null &&
	wait_for "test \"\$(stored +84901000003)\" = 1" 10 &&
	test "$(q "SELECT text FROM inbound WHERE sender = '"'+84901000003'"'")" = "$LONG" &&
	test "$(rows cases sender=+84901000003)" = 1
'

test_expect_success 'an incomplete message: parts wait in the database, not on the SIM' '
	"$INJECT" -n 3 -o 1,3 -r 13 "$PHONE" +84901000004 "$LONG" >/dev/null &&
	wait_for "test \"\$(rows parts sender=+84901000004)\" = 2" 10 &&
	wait_for inbox_empty 5 &&
	test "$(stored +84901000004)" = 0
'

test_expect_success 'a broken file on the phone: logged once, the rest still read' '
	"$INJECT" -x "$PHONE" +84901000005 x >broken &&
	"$INJECT" "$PHONE" +84901000005 "$LAMP (sau file hỏng)" >/dev/null &&
	wait_for "test \"\$(stored +84901000005)\" = 1" 10 &&
	test -e "$(cat broken)" &&
	test_grep "unreadable message at location" daemon.log &&
	sleep 2 &&
	test "$(grep -c "unreadable message at location" daemon.log)" = 1 &&
	http /healthz && test_status 200 &&
	rm -f "$(cat broken)"
'

test_expect_success 'after ingest.concat_timeout the incomplete message is stored with a gap' '
	wait_for "test \"\$(stored +84901000004)\" = 1" 20 &&
	q "SELECT text FROM inbound WHERE sender = '"'+84901000004'"'" >text &&
	test_grep "\[\.\.\.\]" text &&
	test_grep "long message 13: 2 of 3 parts after the timeout" daemon.log
'

test_expect_success 'the phone goes away: down in /healthz; back: reconnected, nothing lost' '
	mv "$PHONE" "$PHONE.away" &&
	wait_for "http /healthz && test_status 503" 10 &&
	test_grep "^channel gsm: modem not running" body &&
	http /metrics && test_grep "^papigw_modem_up{channel=\"gsm\"} 0$" body &&
	"$INJECT" "$PHONE.away" +84901000006 "$LAMP (khi mất máy)" >/dev/null &&
	sleep 1 && test "$(stored +84901000006)" = 0 &&
	mv "$PHONE.away" "$PHONE" &&
	wait_for "http /healthz && test_status 200" 70 &&
	wait_for "test \"\$(stored +84901000006)\" = 1" 10 &&
	wait_for inbox_empty 5 &&
	test_grep "modem gsm: connected" daemon.log
'

test_expect_success 'kill -9 after reading, before the commit: stored once after restart' '
	stop_daemon && test "$daemon_status" = 0 &&
	: >daemon.log &&
	PAPIGWD=$PAPIGWD_HOOKS PAPIGW_MODEM_TEST_HOLD=read start_daemon -c m.conf &&
	"$INJECT" "$PHONE" +84901000007 "$LAMP (crash 1)" >file &&
	wait_for "grep -q \"test hold: location .* read\" daemon.log" 10 &&
	stop_daemon KILL &&
	test -e "$(cat file)" && test "$(stored +84901000007)" = 0 &&
	start_daemon -c m.conf &&
	wait_for "test \"\$(stored +84901000007)\" = 1" 10 &&
	wait_for inbox_empty 5 &&
	test "$(rows cases sender=+84901000007)" = 1 &&
	test "$(rows outbox recipient=+84901000007)" = 1
'

test_expect_success 'kill -9 after the commit, before the SIM delete: still once' '
	stop_daemon && : >daemon.log &&
	PAPIGWD=$PAPIGWD_HOOKS PAPIGW_MODEM_TEST_HOLD=commit start_daemon -c m.conf &&
	"$INJECT" "$PHONE" +84901000008 "$LAMP (crash 2)" >file &&
	wait_for "grep -q \"test hold: location .* committed\" daemon.log" 10 &&
	stop_daemon KILL &&
	test -e "$(cat file)" && test "$(stored +84901000008)" = 1 &&
	start_daemon -c m.conf &&
	wait_for inbox_empty 10 &&
	test "$(stored +84901000008)" = 1 &&
	test "$(rows cases sender=+84901000008)" = 1 &&
	test "$(rows outbox recipient=+84901000008)" = 1
'

test_expect_success 'a burst of 500 messages: every one stored once, the SIM emptied' '
	"$INJECT" -c 500 "$PHONE" +84901000009 "Rác thải ứ đọng ở chợ" >/dev/null &&
	wait_for "test \"\$(stored +84901000009)\" = 500" 60 &&
	wait_for inbox_empty 10 &&
	test "$(q "SELECT count(DISTINCT text) FROM inbound
	    WHERE sender = '"'+84901000009'"'")" = 500
'

test_expect_success 'SIGHUP: a disabled modem stops, enabled again it reads again' '
	modem_conf false && kill -HUP $daemon_pid &&
	wait_for "grep -q \"modem gsm: no longer configured; stopped\" daemon.log" 10 &&
	http /metrics && ! grep -q "^papigw_modem_up{channel=.gsm.}" body &&
	test_grep "^papigw_modem_up{channel=\"gsm2\"} 1$" body &&
	http /healthz && test_status 200 &&
	"$INJECT" "$PHONE" +84901000010 "$LAMP (sau khi tải lại)" >/dev/null &&
	sleep 1 && test "$(stored +84901000010)" = 0 &&
	modem_conf true && kill -HUP $daemon_pid &&
	wait_for "test \"\$(stored +84901000010)\" = 1" 10 &&
	wait_for inbox_empty 5
'

test_expect_success 'SIGTERM: a clean stop' '
	stop_daemon && test "$daemon_status" = 0 &&
	test_grep "papigwd stopped" daemon.log
'

test_done
