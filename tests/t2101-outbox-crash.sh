#!/bin/sh
test_description='outbox: kill -9 with replies in flight and queued; after a restart every reply is sent, none twice but those in flight'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-fake.sh"

INFLIGHT=4
TEXT='Den duong hem so'

# On PostgreSQL, where other gateways may share the database, the rows a
# gateway left sending are queued again once they have been sending for
# longer than a send takes (outbox_lease(): 2 * (1 + 5) + 10 s here), by
# the gateway that runs the timers (every second here); on SQLite, at
# start-up.
if [ -n "${PAPIGW_TEST_PG:-}" ]; then
	TIMERS='deadlines = { check_interval = 1; };'
	REQUEUED='in flight for longer than a send takes'
	LEASE=40
	# Each message a commit on the server: slower to post; the provider
	# is slower too, so that the kill still finds replies in flight.
	DELAY=1000
else
	TIMERS=''
	REQUEUED='in flight at the last stop queued again'
	LEASE=10
	DELAY=300
fi

conf() {
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	write_conf p.conf "$TIMERS
outbox = {
	max_inflight = $INFLIGHT; backoff_initial = 1; backoff_max = 1;
	connect_timeout = 1; timeout = 5; shutdown_wait = 1;
};
channels = (
	{ name = \"vo\"; type = \"vonage\"; number = \"842800000002\";
	  base_url = \"http://127.0.0.1:$fake_port\";
	  account = \"vkey\"; token = \"vsecret\"; }
);"
}

# How many outbox ids the fake saw more than once, and at most how often.
twice() {
	fake_q 'map(.params["client-ref"]) | group_by(.) |
	    map(select(length > 1)) | length'
}
most() {
	fake_q 'map(.params["client-ref"]) | group_by(.) | map(length) | max'
}
distinct() {
	fake_q 'map(.params["client-ref"]) | unique | length'
}
sent_rows() {
	rows outbox state=sent
}

test_expect_success "setup: a slow provider ($DELAY ms an answer)" '
	start_fake -d $DELAY && conf && start_daemon -c p.conf
'

test_expect_success '20 messages; kill -9 while replies are in flight' '
	for i in 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29; do
		get /sms/vonage msisdn=849055500$i messageId=crash-$i \
		    text="$TEXT $i bi hong may tuan nay" &&
		test_status 200 || return 1
	done &&
	test "$(rows outbox)" = 20 &&
	wait_for "test \$(fake_count true) -ge 6" &&
	stop_daemon KILL &&
	test "$(sent_rows)" -lt 20 &&
	test "$(rows outbox state=sending)" -ge 1
'

test_expect_success 'restart: the rows left sending are queued again' '
	fake_mode ok 0 0 && : >daemon.log &&
	start_daemon -c p.conf &&
	wait_for "grep -q \"$REQUEUED\" daemon.log" $LEASE &&
	wait_for "test \$(sent_rows) = 20" 20
'

test_expect_success 'every reply reached the provider; only in-flight ones twice' '
	test "$(distinct)" = 20 &&
	test "$(twice)" -le $INFLIGHT &&
	test "$(most)" -le 2 &&
	test "$(q "SELECT count(*) FROM outbox WHERE sent IS NOT NULL")" = 20 &&
	test "$(rows outbox state=sending)" = 0
'

test_expect_success 'a clean stop leaves nothing sending' '
	stop_daemon && test "$daemon_status" -eq 0 &&
	test "$(rows outbox state=sending)" = 0
'

test_done
