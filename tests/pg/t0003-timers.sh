#!/bin/sh
test_description='PostgreSQL: one gateway at a time runs the timers; another takes over when it dies'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ctl.sh"

if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi

# gw FILE SOCKET: a gateway's configuration, deadlines checked each second.
gw() {
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	ctl_conf "$1" &&
	sed -i "s|control.sock|$2|" "$1"
}

test_expect_success 'two gateways: the first up runs the timers, the other says so' '
	gw a.conf a.sock && start_daemon -c a.conf && pid_a=$daemon_pid &&
	wait_for "grep -q \"this gateway runs the timers\" daemon.log" &&
	gw b.conf b.sock && start_daemon -c b.conf && pid_b=$daemon_pid &&
	wait_for "grep -q \"another gateway runs the timers\" daemon.log" &&
	test "$(grep -c "this gateway runs the timers" daemon.log)" = 1
'

test_expect_success 'the one that runs them dies: the other takes over and marks a case overdue' '
	"$PAPICTL" -s "$TRASH/b.sock" inject --from +84906300001 \
	    "Đèn đường hẻm 9 bị hỏng" &&
	kill -9 $pid_a &&
	wait_for "test \$(grep -c \"this gateway runs the timers\" daemon.log) = 2" 30 &&
	q "UPDATE cases SET deadline = created - 10" &&
	wait_for "test \"\$(q \"SELECT count(*) FROM cases
	    WHERE overdue IS NOT NULL\")\" = 1" 30
'

test_done
