#!/bin/sh
test_description='PostgreSQL failover: the primary stopped hard under load, its synchronous standby promoted; the gateways answer 503 meanwhile, then follow by themselves, every 2xx in the promoted database once, nothing sent twice, the timers run again'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-fake.sh"

# Run by scripts/check-pg.sh (make check-pg).  The shared cluster is not
# touched: the test makes a primary and its streaming replica of its own
# (initdb, pg_basebackup -R) in a directory of its own, on free ports,
# and the cleanup trap stops them and removes it whatever happens.
if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
	exit
fi
PGBIN=${PAPIGW_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null |
    sort -V | tail -n 1)}
if [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_basebackup" ]; then
	test_skip 'failover' 'no PostgreSQL server binaries (initdb)'
	test_done
	exit
fi

N=400		# messages the client posts, one after the other
# PAPIGW_FAILOVER_ASYNC=1 leaves the standby asynchronous: then a 2xx
# means "committed on the primary" only, and the check that every 2xx is
# in the promoted database may fail (docs/postgresql.md).
ASYNC=${PAPIGW_FAILOVER_ASYNC:-0}

# The servers run as postgres when the test runs as root (they refuse
# root), as the caller otherwise.
PGT=$(mktemp -d /tmp/papigw-failover.XXXXXX) || exit 1
chmod 755 "$PGT"
if [ "$(id -u)" = 0 ]; then
	chown postgres: "$PGT" || exit 1
	as_pg() { (cd / && su postgres -s /bin/sh -c "$*"); }
else
	as_pg() { sh -c "$*"; }
fi

# Stops both servers (immediately: nothing of them is kept) and removes
# their directory, then lib.sh's cleanup; on every exit.
pg_cleanup() {
	for d in p s; do
		if [ -f "$PGT/$d/postmaster.pid" ]; then
			as_pg "'$PGBIN/pg_ctl' -D '$PGT/$d' -m immediate \
			    -w -t 30 stop" >/dev/null 2>&1
		fi
	done
	rm -rf "$PGT"
	cleanup
}
trap pg_cleanup EXIT

# server DIR PORT: starts the server of DIR on 127.0.0.1:PORT.
server() {
	as_pg "'$PGBIN/pg_ctl' -D '$PGT/$1' -l '$PGT/$1.log' -w -t 60 \
	    -o '-c port=$2 -c listen_addresses=127.0.0.1 \
	    -c unix_socket_directories=$PGT -c fsync=off' start" >/dev/null
}

# pq PORT SQL: runs SQL on the papigw database of the server on PORT.
pq() {
	psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres \
	    -d papigw -c "$2"
}

# The conninfo of both servers: the one that takes writes is used.
conninfo() {
	echo "host=127.0.0.1,127.0.0.1 port=$p1,$p2 dbname=papigw user=postgres connect_timeout=5 target_session_attrs=read-write"
}

# gw NAME: gateway NAME's configuration NAME.conf (its own port in
# port_NAME, its control socket NAME.sock), the generic channel sending
# to the fake provider, deadlines checked each second; started with its
# log in NAME.log.
gw() {
	HTTP_PORT=$(free_port) && eval "port_$1=\$HTTP_PORT" &&
	STORAGE_CONF="storage = { driver = \"postgresql\"; conninfo = \"$(conninfo)\"; path = \"$TRASH/$1.db\"; };" &&
	write_conf "$1.conf" "deadlines = { check_interval = 1; };
channels = (
	{ name = \"gen\"; type = \"generic\"; number = \"8089\";
	  base_url = \"http://127.0.0.1:$fake_port\";
	  account = \"kuser\"; token = \"kpass\"; }
);" &&
	sed -i "s|control.sock|$1.sock|" "$1.conf" || return 1
	"$PAPIGWD" -d -c "$1.conf" >>"$1.log" 2>&1 &
	eval "pid_$1=\$!"
	daemon_pids="$daemon_pids $!"
	wait_for "grep -q started $1.log || ! kill -0 \$pid_$1" 30 &&
	eval "kill -0 \$pid_$1"
}

# load: posts the N messages, to A and to B in turn, "id status" for
# each in sent (000: no answer within 10 s).  Bounded: N requests of at
# most 10 s.
load() {
	i=0
	while [ $i -lt $N ]; do
		i=$((i + 1))
		p=$port_a
		[ $((i % 2)) = 0 ] && p=$port_b
		c=$(curl -s -o /dev/null -m 10 -w "%{http_code}" \
		    --data-urlencode "id=f-$i" \
		    --data-urlencode "from=+849067$(printf %05d $i)" \
		    --data-urlencode "to=8089" \
		    --data-urlencode "text=Cống hẻm $i bị tắc, nước tràn lên đường" \
		    "http://127.0.0.1:$p/sms/generic")
		echo "f-$i $c" >>sent
	done
}

lines() {
	wc -l <sent
}

# down_says_why NAME: gateway NAME's /healthz answers 503 and says that
# the database cannot be read or written, and why (each host's reason).
down_says_why() {
	eval "port=\$port_$1" &&
	http /healthz && test_status 503 &&
	test_grep "^store: cannot read the PostgreSQL database" body &&
	test_grep "^store: degraded: writes fail" body &&
	test_grep "session is read-only" body
}

# back NAME: gateway NAME's /healthz answers 200 again, and its log says
# that writes succeed again.
back() {
	eval "port=\$port_$1" &&
	wait_for "http /healthz && test_status 200" 30 &&
	test_grep "store: writes succeed again" "$1.log"
}

# leads NAME: whether gateway NAME's last word on the timers is that it
# runs them.
leads() {
	grep "gateway runs the timers" "$1.log" | tail -n 1 |
	    grep -q "this gateway"
}

# leaders: how many of the two gateways say they run the timers.
leaders() {
	n=0
	leads a && n=$((n + 1))
	leads b && n=$((n + 1))
	echo $n
}

test_expect_success 'a primary and its streaming replica, synchronous' '
	p1=$(free_port) && p2=$(free_port) && test "$p1" != "$p2" &&
	as_pg "'\''$PGBIN/initdb'\'' -D '\''$PGT/p'\'' -U postgres -A trust \
	    --no-sync" >/dev/null &&
	server p $p1 &&
	createdb -h 127.0.0.1 -p $p1 -U postgres papigw &&
	as_pg "'\''$PGBIN/pg_basebackup'\'' -h 127.0.0.1 -p $p1 -U postgres \
	    -D '\''$PGT/s'\'' -R -X stream -c fast --no-sync" &&
	server s $p2 &&
	wait_for "test \"\$(pq $p1 \"SELECT state FROM pg_stat_replication\")\" = streaming" 30 &&
	if [ "$ASYNC" = 0 ]; then
		pq $p1 "ALTER SYSTEM SET synchronous_standby_names = '\''*'\''" &&
		pq $p1 "SELECT pg_reload_conf()" >/dev/null &&
		wait_for "test \"\$(pq $p1 \"SELECT sync_state FROM pg_stat_replication\")\" = sync" 30
	fi &&
	test "$(pq $p2 "SELECT pg_is_in_recovery()")" = t
'

test_expect_success 'two gateways on both hosts; one runs the timers; a client posting' '
	start_fake &&
	gw a && gw b &&
	wait_for "test \$(leaders) = 1 && grep -q \"another gateway runs the timers\" a.log b.log" 30 &&
	: >sent &&
	{ load & } && lp=$! && daemon_pids="$daemon_pids $lp" &&
	wait_for "test \$(lines) -ge 100" 120 &&
	port=$port_a && http /healthz && test_status 200 &&
	port=$port_b && http /healthz && test_status 200
'

test_expect_success 'the primary stopped hard: 503, and /healthz says why' '
	t_stop=$(date +%s%3N) &&
	as_pg "'\''$PGBIN/pg_ctl'\'' -D '\''$PGT/p'\'' -m immediate -w stop" \
	    >/dev/null &&
	before=$(lines) &&
	wait_for "test \$(lines) -ge $((before + 20))" 60 &&
	tail -n 10 sent >down &&
	test "$(grep -c " 503\$" down)" = 10 &&
	down_says_why a && down_says_why b &&
	kill -0 $pid_a && kill -0 $pid_b
'

test_expect_success 'the standby promoted: both gateways take messages again by themselves' '
	as_pg "'\''$PGBIN/pg_ctl'\'' -D '\''$PGT/s'\'' -w promote" >/dev/null &&
	t_promoted=$(date +%s%3N) &&
	test "$(pq $p2 "SELECT pg_is_in_recovery()")" = f &&
	after=$(lines) &&
	wait_for "tail -n +$((after + 1)) sent | grep -q \" 202\\\$\"" 60 &&
	t_back=$(date +%s%3N) &&
	back a && back b
'

if [ -n "${t_back:-}" ]; then
	say "# a 202 again $((t_back - t_stop)) ms after the primary stopped," \
	    "$((t_back - t_promoted)) ms after the promotion"
fi

test_expect_success 'the client done: every answer a 202 or a 503' '
	wait $lp &&
	test "$(lines)" = $N &&
	awk "\$2 != 202 && \$2 != 503" sent >other &&
	test ! -s other &&
	grep -q " 503\$" sent &&
	tail -n 20 sent | grep -q " 202\$"
'

test_expect_success 'every message answered 202 is in the promoted database, once, with its case and reply' '
	grep " 202\$" sent | cut -d" " -f1 | sort >ok && test -s ok &&
	pq $p2 "SELECT provider_msg_id FROM inbound" | sort >stored &&
	comm -23 ok stored >lost &&
	if [ -s lost ]; then
		echo "answered 202 but not in the promoted database: $(wc -l <lost)"
		head lost
		false
	fi &&
	test "$(uniq -d stored | wc -l)" = 0 &&
	n=$(wc -l <stored) &&
	test "$(pq $p2 "SELECT count(*) FROM cases")" = "$n" &&
	test "$(pq $p2 "SELECT count(*) FROM outbox WHERE kind = '\''ack'\''")" = "$n" &&
	test "$(pq $p2 "SELECT count(*) FROM inbound WHERE case_id IS NULL")" = 0
'

test_expect_success 'every reply sent, none twice' '
	n=$(wc -l <stored) &&
	wait_for "test \"\$(pq $p2 \"SELECT count(*) FROM outbox WHERE state = '\''sent'\''\")\" = $n" 120 &&
	fake_q "map(select(.path == \"/cgi-bin/sendsms\") | .params.to) | .[]" |
	    sort >sent_to &&
	uniq -d sent_to >twice &&
	if [ -s twice ]; then
		echo "sent twice: $(wc -l <twice)"; head twice
		false
	fi &&
	test "$(wc -l <sent_to)" = "$n"
'

test_expect_success 'one gateway runs the timers on the promoted database: a case marked overdue' '
	wait_for "test \$(leaders) = 1" 30 &&
	test "$(pq $p2 "SELECT count(*) FROM pg_locks WHERE locktype = '\''advisory'\'' AND objid = 7240003 AND granted")" = 1 &&
	pq $p2 "UPDATE cases SET deadline = created - 10 WHERE id = (SELECT min(id) FROM cases)" &&
	wait_for "test \"\$(pq $p2 \"SELECT count(*) FROM cases WHERE overdue IS NOT NULL\")\" = 1" 30 &&
	sleep 2 && test $(leaders) = 1
'

test_expect_success 'the 503s sent again: all taken, nothing twice' '
	grep " 503\$" sent | cut -d" " -f1 | sed "s/^f-//" >retry &&
	port=$port_a &&
	while read i; do
		post /sms/generic id=f-$i from=+849067$(printf %05d $i) to=8089 \
		    text="Cống hẻm $i bị tắc, nước tràn lên đường" &&
		test_status 202 || echo "f-$i $(cat status)" >>refused
	done <retry &&
	test ! -s refused &&
	test "$(pq $p2 "SELECT count(*) FROM inbound")" = $N &&
	test "$(pq $p2 "SELECT count(*) FROM cases")" = $N &&
	test "$(pq $p2 "SELECT count(*) FROM outbox WHERE kind = '\''ack'\''")" = $N
'

test_expect_success 'SIGTERM: clean stops' '
	kill -TERM $pid_a $pid_b &&
	wait $pid_a && wait $pid_b
'

test_done
