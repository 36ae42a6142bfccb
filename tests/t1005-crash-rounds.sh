#!/bin/sh
test_description='20 rounds of kill -9 in the middle of a burst, each round also sending the last one'"'"'s messages again as providers retry: no acknowledged message lost, no duplicate message or case'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"

ROUNDS=20
LOOPS=2		# parallel clients
PER_LOOP=250	# new messages each, a round

# urls ROUND LOOP: the curl config of a client in ROUND: the messages of
# the round before (retries) then its own, ids rROUND-LOOP-N, each from a
# sender of its own.
urls() {
	awk -v r=$1 -v l=$2 -v n=$PER_LOOP -v port=$port 'BEGIN {
		for (rr = (r > 1 ? r - 1 : r); rr <= r; rr++)
			for (i = 1; i <= n; i++)
				printf "url = \"http://127.0.0.1:%d/sms/generic?" \
				    "from=%%2B8490%02d%d%04d&to=8088&id=r%d-%d-%d&" \
				    "text=C%%E1%%BB%%91ng+h%%E1%%BA%%BBm+%d+b%%E1%%BB%%8B+t%%E1%%BA%%AFc\"\n" \
				    "output = \"/dev/null\"\n", port, rr, l, i,
				    rr, l, i, i
	}'
}

# burst ROUND: its clients, "id status" lines in sent.ROUND.LOOP; waits.
burst() {
	pids=""
	l=0
	while [ $l -lt $LOOPS ]; do
		l=$((l + 1))
		urls $1 $l >urls.$l
		curl -s -K urls.$l --max-time 10 \
		    -w "%{url_effective} %{http_code}\n" |
		    sed "s/.*&id=\([^&]*\)&.* \([0-9]*\)\$/\1 \2/" >"sent.$1.$l" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait $p
	done
}

test_expect_success 'setup' '
	write_conf p.conf "channels = ( { name = \"gen\"; type = \"generic\"; } );"
'

test_expect_success "$ROUNDS rounds: a burst, kill -9 after some answers, restart" '
	r=0 &&
	while [ $r -lt $ROUNDS ]; do
		r=$((r + 1)) &&
		start_daemon -c p.conf &&
		{ burst $r & } && b=$! &&
		# Killed after 50 to 300 answers: early, late, in between.
		k=$((50 + (r * 97) % 250)) &&
		wait_for "test \$(cat sent.$r.* 2>/dev/null | wc -l) -ge $k" 30 &&
		kill -9 $daemon_pid && wait $b || return 1
	done
'

test_expect_success 'every round was cut short, and answered only 202 or nothing' '
	cat sent.* >all &&
	awk "\$2 != 202 && \$2 != 000" all >other && test ! -s other &&
	for r in $(seq 2 $ROUNDS); do
		test "$(cat sent.$r.* | grep -c " 000\$")" -gt 0 || return 1
	done &&
	grep " 202\$" all | cut -d" " -f1 | sort -u >ok &&
	test "$(wc -l <ok)" -ge $((ROUNDS * 50))
'

test_expect_success 'restart: the store is whole' '
	start_daemon -c p.conf &&
	test "$(store_integrity)" = ok
'

test_expect_success 'no message answered 202 is lost' '
	q "SELECT provider_msg_id FROM inbound" | sort >stored &&
	comm -23 ok stored >lost &&
	if [ -s lost ]; then
		echo "answered 202 but not stored: $(wc -l <lost)"; head lost
		false
	fi
'

test_expect_success 'no message, case or acknowledgement twice' '
	test "$(q "SELECT count(*) FROM (SELECT provider_msg_id FROM inbound
	    GROUP BY channel, provider_msg_id HAVING count(*) > 1) AS d")" = 0 &&
	n=$(rows inbound) &&
	test "$(rows cases)" = "$n" && test "$(rows outbox)" = "$n" &&
	test "$(q "SELECT count(*) FROM inbound WHERE case_id IS NULL")" = 0
'

test_expect_success 'the last round sent again in full: all taken, nothing doubles' '
	burst $((ROUNDS + 1)) && cat sent.$((ROUNDS + 1)).* >last &&
	test "$(grep -c " 202\$" last)" = $((2 * LOOPS * PER_LOOP)) &&
	n=$(rows inbound) &&
	test "$(rows cases)" = "$n" && test "$(rows outbox)" = "$n" &&
	test "$(q "SELECT count(*) FROM (SELECT provider_msg_id FROM inbound
	    GROUP BY channel, provider_msg_id HAVING count(*) > 1) AS d")" = 0
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
