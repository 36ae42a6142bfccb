#!/bin/sh
test_description='PostgreSQL: each ward'"'"'s timers run by a gateway of that ward: its deadline warnings to its number, its report reminder; taken over by another gateway of the ward'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ctl.sh"

if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi

# The gateways connect as the owner of their database, not as the
# superuser the tests' psql is (a superuser passes row-level security).
OWNER=pgw_own_$$
psql -X -q -v ON_ERROR_STOP=1 -d "$PG_DB" -c "CREATE ROLE $OWNER LOGIN
    PASSWORD 'x'; ALTER DATABASE $PG_DB OWNER TO $OWNER" || exit 1
STORAGE_CONF="storage = { driver = \"postgresql\"; conninfo = \"dbname=$PG_DB user=$OWNER password=x\"; path = \"$TRASH/papigw.db\"; };"

# The tests' build reads its time from a file: 1 April 2026, three
# working days before the first quarter's cut-off (6 April).
PAPIGWD=$PAPIGWD_HOOKS
PAPIGW_TEST_CLOCK="$TRASH/clock"
export PAPIGW_TEST_CLOCK
date -d "2026-04-01 09:00" +%s >"$TRASH/clock"

# tick: the clock a second on (the timers run when it moved).
tick() {
	echo $(( $(cat "$TRASH/clock") + 1 )) >"$TRASH/clock.new" &&
	mv "$TRASH/clock.new" "$TRASH/clock"
}

# gw FILE ID SOCKET: a gateway of ward ID (none for ID "-"): its own
# port, socket and generic channel; deadline warnings to +849000000ID,
# the report's reminder to +849000001ID.
gw() {
	if [ "$2" = - ]; then
		ward="" n=9 drop=""
	else
		ward="ward = { id = \"$2\"; name = \"UBND $2\"; };" n=${2#p}
		drop="/^ward = { name = /d;"
	fi
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	ctl_conf "$1" "$ward
channels = ( { name = \"gen-$2\"; type = \"generic\";
    base_url = \"http://127.0.0.1:9\"; } );
deadlines = { check_interval = 1; notify_number = \"+8490000000$n\"; };
reports = { remind_days = 3; remind_numbers = [ \"+8490000010$n\" ]; };" &&
	sed -i "$drop s|control.sock|$3|" "$1"
}

# notices NUMBER: the texts queued for NUMBER, one a line.
notices() {
	q "SELECT text FROM outbox WHERE recipient = '$1' ORDER BY id"
}

ref() {
	"$PAPICTL" -s "$TRASH/$1" --json inject --from "$2" "$3" >inj.json &&
	jget inj.json '$.ref'
}

leads() {
	grep -c "this gateway runs the timers of ward $1\$" daemon.log 2>/dev/null
}

test_expect_success 'wards p7 and p8, a gateway each: each runs its ward'"'"'s timers' '
	gw p7.conf p7 p7.sock && start_daemon -c p7.conf && pid7=$daemon_pid &&
	wait_for "test \$(leads p7) = 1" &&
	gw p8.conf p8 p8.sock && start_daemon -c p8.conf && pid8=$daemon_pid &&
	wait_for "test \$(leads p8) = 1" &&
	test "$(grep -c "this gateway runs the timers of what belongs to no ward" daemon.log)" = 1
'

test_expect_success 'each ward'"'"'s report reminder, to its own numbers, once' '
	wait_for "test \"\$(notices +84900000107 | wc -l)\" = 1 &&
	    test \"\$(notices +84900000108 | wc -l)\" = 1" &&
	notices +84900000107 | grep -q "papictl report --period 2026Q1" &&
	test "$(q "SELECT string_agg(period, '"','"' ORDER BY period)
	    FROM report_reminders")" = "2026Q1@p7,2026Q1@p8" &&
	"$PAPICTL" -s "$TRASH/p8.sock" report --due >due &&
	test_grep "^Reminder sent 2026-04-01 09:00" due
'

test_expect_success 'a case of each ward past its deadline: each warning to its ward'"'"'s number only' '
	A=$(ref p7.sock +84912300701 "Đèn đường hẻm 9 bị hỏng") &&
	B=$(ref p8.sock +84912300801 "Cống hẻm 3 bị nghẹt") &&
	test "$(q "SELECT string_agg(ward, '"','"' ORDER BY id) FROM cases")" = p7,p8 &&
	q "UPDATE cases SET deadline = created - 10" &&
	wait_for "tick && test \"\$(q \"SELECT count(*) FROM cases
	    WHERE overdue IS NOT NULL\")\" = 2" 20 &&
	wait_for "notices +84900000007 | grep -q \"$A\" &&
	    notices +84900000008 | grep -q \"$B\"" &&
	! notices +84900000007 | grep -q "$B" &&
	! notices +84900000008 | grep -q "$A" &&
	test "$(q "SELECT channel FROM outbox WHERE recipient = '"'+84900000008'"'
	    AND text LIKE '"'%tre han%'"'")" = gen-p8
'

test_expect_success 'a gateway of no ward (or of a version before this) does not run timers beside them' '
	gw p0.conf - p0.sock && start_daemon -c p0.conf && pid0=$daemon_pid &&
	wait_for "grep -q \"another gateway runs the timers\$\" daemon.log" &&
	kill $pid0 && wait $pid0
'

test_expect_success 'a second gateway of p7 waits; p7'"'"'s dies: it takes over p7'"'"'s timers' '
	gw p7b.conf p7 p7b.sock && start_daemon -c p7b.conf &&
	pid7b=$daemon_pid &&
	wait_for "grep -q \"another gateway runs the timers of ward p7\$\" daemon.log" &&
	kill -9 $pid7 &&
	wait_for "test \$(leads p7) = 2" 30 &&
	C=$(ref p7b.sock +84912300702 "Vỉa hè hẻm 12 bị lấn chiếm") &&
	q "UPDATE cases SET deadline = created - 10 WHERE overdue IS NULL" &&
	wait_for "tick && notices +84900000007 | grep -q \"$C\"" 20 &&
	! notices +84900000008 | grep -q "$C" &&
	test "$(notices +84900000107 | wc -l)" = 1
'

test_expect_success 'stop' '
	kill $pid8 && wait $pid8 && stop_daemon
'

test_done
