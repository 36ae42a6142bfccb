#!/bin/sh
test_description='PostgreSQL: a modem channel is served by one gateway; two of one name do not share it'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-http.sh"

if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi

INJECT="$SRC_DIR/scripts/modem-inject"
LAMP='Đèn đường hẻm 12 bị hỏng mấy tuần nay, tối đi rất nguy hiểm'

# gw FILE SOCKET PHONE: a gateway whose modem channel "gsm" is the dummy
# phone in PHONE; its port in $port.
gw() {
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	mkdir -p "$3" &&
	write_conf "$1" "channels = ( {
		name = \"gsm\"; type = \"modem\"; device = \"$3\";
		model = \"dummy\"; connection = \"none\";
		poll_interval = 1; send_rate = 0; number = \"+84280000000\";
	} );" &&
	sed -i "s|control.sock|$2|" "$1"
}

# inbox PHONE: the messages waiting in PHONE's SIM inbox.
inbox() {
	ls "$1/sms/1" 2>/dev/null | grep -cE '^[0-9]+$'
}

test_expect_success 'setup: the first gateway serves its modem' '
	gw a.conf a.sock "$TRASH/phone-a" && port_a=$port &&
	start_daemon -c a.conf && pid_a=$daemon_pid &&
	wait_for "grep -q \"modem gsm: connected\" daemon.log" 20 &&
	wait_for "curl -s -o /dev/null -w %{http_code} \
	    http://127.0.0.1:$port_a/healthz | grep -q 200" 20
'

test_expect_success 'a second gateway with a modem of the same name does not serve it, and says why' '
	gw b.conf b.sock "$TRASH/phone-b" && port_b=$port &&
	start_daemon -c b.conf && pid_b=$daemon_pid &&
	wait_for "grep -q \"another gateway on the database serves a channel named gsm\" daemon.log" 20 &&
	test "$(grep -c "modem gsm: connected" daemon.log)" = 1 &&
	curl -s -o body -w "%{http_code}" http://127.0.0.1:$port_b/healthz >code &&
	test "$(cat code)" = 503 &&
	test_grep "channel gsm: modem not running.*another gateway" body
'

test_expect_success 'a message on the first gateway'"'"'s phone: stored, its reply sent by that gateway' '
	"$INJECT" "$TRASH/phone-a" +84901000001 "$LAMP" >/dev/null &&
	wait_for "test \"\$(rows inbound sender=+84901000001)\" = 1" 20 &&
	wait_for "test \"\$(q \"SELECT state FROM outbox
	    WHERE recipient = '"'+84901000001'"'\")\" = sent" 20 &&
	test "$(q "SELECT attempts FROM outbox
	    WHERE recipient = '"'+84901000001'"'")" = 1
'

test_expect_success 'the second gateway'"'"'s phone is not read while it does not serve it' '
	"$INJECT" "$TRASH/phone-b" +84901000002 "$LAMP" >/dev/null &&
	sleep 3 &&
	test "$(inbox "$TRASH/phone-b")" = 1 &&
	test "$(rows inbound sender=+84901000002)" = 0
'

test_expect_success 'the first gateway dies: the second takes the channel and reads its phone' '
	kill -9 $pid_a &&
	wait_for "test \$(grep -c \"modem gsm: connected\" daemon.log) = 2" 90 &&
	wait_for "test \"\$(rows inbound sender=+84901000002)\" = 1" 20 &&
	wait_for "test \"\$(inbox \"$TRASH/phone-b\")\" = 0" 20 &&
	wait_for "curl -s -o /dev/null -w %{http_code} \
	    http://127.0.0.1:$port_b/healthz | grep -q 200" 20
'

test_done
