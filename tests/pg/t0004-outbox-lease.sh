#!/bin/sh
test_description='PostgreSQL: a reply left "sending" by a gateway that died is sent again by another once its lease is over, not before'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-fake.sh"

if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi

# conf FILE SOCKET: a gateway whose generic channel sends to the fake
# provider; a send takes at most 1 + 2 s, so the lease is 16 s.
conf() {
	gateway_conf "$1" "$2" "deadlines = { check_interval = 1; };
outbox = { connect_timeout = 1; timeout = 2; max_attempts = 5; };"
}

sends() {
	fake_count '.path == "/cgi-bin/sendsms"'
}

test_expect_success 'gateway A takes a message; its reply hangs at the provider; A is killed' '
	start_fake && fake_mode hang 1 &&
	conf a.conf a.sock && start_daemon -c a.conf &&
	post /sms/generic id=l-1 from=+84906400001 to=8089 \
	    text="Cống hẻm 3 bị tắc, nước tràn lên đường" &&
	test_status 202 &&
	wait_for "test \$(sends) -ge 1" &&
	stop_daemon KILL &&
	test "$(rows outbox state=sending)" = 1
'

test_expect_success 'gateway B starts: the row in flight is not its to send yet' '
	fake_mode ok &&
	conf b.conf b.sock && start_daemon -c b.conf &&
	sleep 3 &&
	test "$(rows outbox state=sending)" = 1 &&
	test "$(sends)" = 1
'

test_expect_success 'after the lease B queues it again and sends it' '
	wait_for "test \$(rows outbox state=sent) = 1" 40 &&
	test "$(sends)" = 2 &&
	test_grep "gateway stopped) queued again" daemon.log
'

test_done
