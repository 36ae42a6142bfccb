#!/bin/sh
test_description='PostgreSQL: kill -9 one of two gateways in the middle of an announcement: the other finishes it, nobody gets it twice, nobody is left out'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-fake.sh"
. "$TESTS_DIR/lib-announce.sh"

if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi

N=300	# subscribers

# conf FILE SOCKET: a gateway sending announcements through the slow fake
# provider; a send takes at most 1 + 2 s, so the lease of a row that a
# dead gateway left sending is 2 * 3 + 10 = 16 s.  The timers run every
# second (ctl_conf), on one of the two.
conf() {
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	pub_conf "$1" "roles = ( { name = \"admins\"; kind = \"administrator\";
    users = [ \"$OFFICER\" ]; } );
outbox = { max_inflight = 4; connect_timeout = 1; timeout = 2;
    shutdown_wait = 1; };" &&
	sed -i "s|control.sock|$2|" "$1"
}

# The announcement's recipients not sent or failed yet.
left() {
	sql "SELECT count(*) FROM announce_recipients r LEFT JOIN outbox o
	    ON o.id = r.outbox_id WHERE r.announcement = 1 AND
	    (o.id IS NULL OR o.state NOT IN ('sent', 'failed'))"
}

test_expect_success 'setup: a slow provider, two gateways, N subscribers' '
	make_officer && start_fake && fake_mode ok 0 100 &&
	conf a.conf control.sock && start_daemon -c a.conf &&
	pid_a=$daemon_pid &&
	conf b.conf b.sock && start_daemon -c b.conf &&
	pid_b=$daemon_pid &&
	sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	    WHERE i < $N) INSERT INTO subscriptions (number, kind, value,
	    channel, created) SELECT '"'+8491500'"' || printf('"'%05d'"', i),
	    '"'topic'"', '"'budget'"', '"'gen'"', 0 FROM n"
'

test_expect_success 'the announcement goes out through both; A is killed in the middle' '
	ctl announce draft --topic budget --text "Thong bao lich tiep dan thang 12" >draft &&
	as_officer announce approve TB1 && ctl announce send TB1 >out &&
	test_grep "sending to $N recipients" out &&
	wait_for "test \$(ann_sent TB-000001) -ge 60" 30 &&
	kill -9 $pid_a && { wait $pid_a 2>/dev/null; true; } &&
	before=$(ann_sent TB-000001) &&
	echo "# $before sent when A was killed" &&
	test "$before" -lt $N &&
	test "$(fake_q "map(select((.params.text // \"\") |
	    contains(\"[TB-000001]\"))) | length")" -gt 0
'

test_expect_success 'B finishes it: every recipient sent or, for those A had in flight, failed' '
	daemon_pid=$pid_b &&
	wait_for "test \$(left) = 0" 90 &&
	sent=$(ann_sent TB-000001) &&
	lost=$(sql "SELECT count(*) FROM outbox WHERE kind = '"'announcement'"'
	    AND last_error LIKE '"'interrupted%'"'") &&
	echo "# sent $sent, interrupted $lost" &&
	test "$lost" -le 4 &&
	test $((sent + lost)) -ge $N &&
	test "$(sql "SELECT count(*) FROM announce_recipients r JOIN outbox o
	    ON o.id = r.outbox_id WHERE r.announcement = 1 AND
	    o.state = '"'sent'"'")" -ge $((N - 4)) &&
	test "$(grep -c "this gateway runs the timers" daemon.log)" = 2
'

test_expect_success 'nobody got it twice' '
	test "$(ann_twice TB-000001)" = 0 &&
	test "$(fake_q "map(select((.params.text // \"\") |
	    contains(\"[TB-000001]\")) | .params.to) | unique | length")" = \
	    "$(ann_sent TB-000001)"
'

test_expect_success 'the announcement is finished; B stops cleanly' '
	wait_for "test \"\$(sql \"SELECT state FROM announcements WHERE id = 1\")\" = sent" 30 &&
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
