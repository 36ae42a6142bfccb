#!/bin/sh
test_description='PostgreSQL restarted under load: 503 while it is down, /healthz says so, the gateway comes back by itself, every 2xx stored once'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-http.sh"

# Run by scripts/check-pg.sh (make check-pg) inside pg_virtualenv, alone:
# it stops and starts the cluster that pg_virtualenv made.
if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi
# The cluster the tests' database is on: the one on PGPORT (several may
# run on the machine), else the only one online.
cluster=$(pg_lsclusters -h 2>/dev/null | awk -v port="${PGPORT:-}" '
	$4 == "online" && (port == "" || $3 == port) { print $1, $2; exit }')
if [ -z "$cluster" ]; then
	test_skip 'the database restarted' 'no cluster that pg_ctlcluster manages'
	test_done
fi

N=600	# messages the client posts, one after the other

# load: posts the N messages, "id status" for each in sent (000: no
# answer within 10 s).  Bounded: N requests of at most 10 s.
load() {
	i=0
	while [ $i -lt $N ]; do
		i=$((i + 1))
		c=$(curl -s -o /dev/null -m 10 -w "%{http_code}" \
		    --data-urlencode "id=r-$i" \
		    --data-urlencode "from=+849065$(printf %05d $i)" \
		    --data-urlencode "to=8088" \
		    --data-urlencode "text=Đèn đường hẻm $i hỏng đã một tuần" \
		    "http://127.0.0.1:$port/sms/generic")
		echo "r-$i $c" >>sent
	done
}

lines() {
	wc -l <sent
}

test_expect_success 'a gateway, a client posting messages one after the other' '
	write_conf p.conf "channels = ( { name = \"gen\"; type = \"generic\"; } );" &&
	start_daemon -c p.conf &&
	: >sent &&
	{ load & } && lp=$! && daemon_pids="$daemon_pids $lp" &&
	wait_for "test \$(lines) -ge 100" 60 &&
	http /healthz && test_status 200
'

test_expect_success 'the database stops: 503, and /healthz says why' '
	pg_ctlcluster $cluster stop -m fast &&
	before=$(lines) &&
	wait_for "test \$(lines) -ge $((before + 20))" 30 &&
	tail -n 10 sent >down &&
	test "$(grep -c " 503\$" down)" = 10 &&
	http /healthz && test_status 503 &&
	test_grep "^store: cannot read the PostgreSQL database" body &&
	kill -0 $daemon_pid
'

test_expect_success 'the database back: the gateway takes messages again by itself' '
	pg_ctlcluster $cluster start &&
	after=$(lines) &&
	wait_for "tail -n +$((after + 1)) sent | grep -q \" 202\\\$\"" 30 &&
	wait_for "http /healthz && test_status 200" 30 &&
	test_grep "store: writes succeed again" daemon.log
'

test_expect_success 'the client done: every answer a 202 or a 503' '
	wait $lp &&
	test "$(lines)" = $N &&
	awk "\$2 != 202 && \$2 != 503" sent >other &&
	test ! -s other &&
	grep -q " 503\$" sent
'

test_expect_success 'every message answered 202 is stored, once, with its case and acknowledgement' '
	grep " 202\$" sent | cut -d" " -f1 | sort >ok &&
	q "SELECT provider_msg_id FROM inbound" | sort >stored &&
	comm -23 ok stored >lost &&
	if [ -s lost ]; then
		echo "answered 202 but not stored: $(wc -l <lost)"; head lost
		false
	fi &&
	test "$(uniq -d stored | wc -l)" = 0 &&
	n=$(rows inbound) &&
	test "$(rows cases)" = "$n" && test "$(rows outbox kind=ack)" = "$n" &&
	test "$(q "SELECT count(*) FROM inbound WHERE case_id IS NULL")" = 0
'

test_expect_success 'the 503s sent again: all taken, nothing twice' '
	grep " 503\$" sent | cut -d" " -f1 | sed "s/^r-//" >retry &&
	while read i; do
		post /sms/generic id=r-$i from=+849065$(printf %05d $i) to=8088 \
		    text="Đèn đường hẻm $i hỏng đã một tuần" &&
		test_status 202 || return 1
	done <retry &&
	test "$(rows inbound)" = $N && test "$(rows cases)" = $N &&
	test "$(rows outbox kind=ack)" = $N
'

test_expect_success 'SIGTERM: a clean stop' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
