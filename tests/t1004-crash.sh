#!/bin/sh
test_description='kill -9 in the middle of a burst: every 2xx is stored exactly once'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"

LOOPS=4		# parallel clients
PER_LOOP=1000	# requests each

# burst NAME: each of the LOOPS clients sends its PER_LOOP messages
# (generic GETs with the ids b-L-N) over one keep-alive connection, and
# writes "id status" for each to NAME.L; waits for them all.  A request
# that found no server has status 000.  Bounded: curl gives up on each
# transfer after 10 seconds.
burst() {
	pids=""
	l=0
	while [ $l -lt $LOOPS ]; do
		l=$((l + 1))
		awk -v l=$l -v n=$PER_LOOP -v port=$port 'BEGIN {
			for (i = 1; i <= n; i++)
				printf "url = \"http://127.0.0.1:%d/sms/generic?" \
				    "from=%%2B849070%05d&to=8088&id=b-%d-%d&" \
				    "text=C%%E1%%BB%%91ng+h%%E1%%BA%%BBm+%d+b%%E1%%BB%%8B+t%%E1%%BA%%AFc\"\n" \
				    "output = \"/dev/null\"\n", port, l * 10000 + i, l, i, i
		}' >urls.$l
		curl -s -K urls.$l --max-time 10 \
		    -w "%{url_effective} %{http_code}\n" |
		    sed "s/.*&id=\([^&]*\)&.* \([0-9]*\)\$/\1 \2/" >"$1.$l" &
		pids="$pids $!"
		daemon_pids="$daemon_pids $!"
	done
	for p in $pids; do
		wait $p
	done
}

test_expect_success 'setup' '
	write_conf p.conf "channels = ( { name = \"gen\"; type = \"generic\"; } );" &&
	start_daemon -c p.conf
'

test_expect_success 'kill -9 in the middle of a burst of 4000 requests' '
	{ burst sent & } && b=$! && daemon_pids="$daemon_pids $b" &&
	wait_for "test \$(cat sent.* 2>/dev/null | wc -l) -ge 800" 30 &&
	kill -9 $daemon_pid && wait $b &&
	cat sent.* >all && test "$(wc -l <all)" = 4000 &&
	awk "\$2 != 202 && \$2 != 000" all >other && test ! -s other &&
	grep " 202\$" all | cut -d" " -f1 | sort >ok &&
	test "$(wc -l <ok)" -ge 800 && test "$(wc -l <ok)" -lt 4000
'

test_expect_success 'the daemon restarts cleanly on the same store and port' '
	: >daemon.log && start_daemon -c p.conf &&
	test_grep "papigwd .* started" daemon.log &&
	test "$(store_integrity)" = ok &&
	http /healthz && test_status 200
'

test_expect_success 'every id answered 202 is in the store exactly once' '
	q "SELECT provider_msg_id FROM inbound" | sort >stored &&
	comm -23 ok stored >lost &&
	if [ -s lost ]; then
		echo "answered 202 but not stored: $(wc -l <lost)"; head lost
		false
	fi &&
	test "$(q "SELECT count(*) FROM (SELECT provider_msg_id FROM inbound
	    GROUP BY channel, provider_msg_id HAVING count(*) > 1) AS d")" = 0 &&
	test "$(wc -l <stored)" -le 4000
'

test_expect_success 'every stored message has its case and one acknowledgement' '
	n=$(rows inbound) &&
	test "$(rows cases)" = "$n" && test "$(rows outbox)" = "$n" &&
	test "$(q "SELECT count(*) FROM inbound WHERE case_id IS NULL")" = 0
'

test_expect_success 'everything sent again: the missing are taken, nothing doubles' '
	burst again &&
	cat again.* >all2 && test "$(wc -l <all2)" = 4000 &&
	test "$(grep -c " 202\$" all2)" = 4000 &&
	test "$(rows inbound)" = 4000 && test "$(rows cases)" = 4000 &&
	test "$(rows outbox)" = 4000
'

# Checkpoints run beside the writer; under a steady load the WAL only
# starts over because the writer copies the last frames itself, past
# 16,000 frames (4 KB pages and their 24-byte headers), or 4,000 more when
# the checkpointer falls behind, and a batch's; a reader that holds old
# frames at that moment puts it off by 4,000 frames (twice here at most,
# allowed for).  Without that the WAL grows by some 30 KiB a message (over
# 250 MiB here).
test_requires_sqlite 'the size of the WAL file'
test_expect_success 'the WAL starts over under load: it stays small' '
	wal=$(stat -c %s "$TRASH/papigw.db-wal") &&
	echo "WAL: $wal bytes" &&
	test "$wal" -le $(((16000 + 3 * 4000 + 1000) * 4120)) &&
	# The checkpoints, counted and timed for /metrics.
	test "$(metric "papigw_store_checkpoints_total{by=\"checkpointer\"}")" -ge 1 &&
	test "$(metric "papigw_store_checkpoints_total{by=\"writer\"}")" -ge 1 &&
	awk "BEGIN { exit !($(metric "papigw_store_checkpoint_seconds_total{by=\"checkpointer\"}") > 0) }" &&
	awk "BEGIN { exit !($(metric papigw_store_checkpoint_writer_max_seconds) > 0) }"
'

test_expect_success 'and once more: all duplicates, nothing new' '
	burst third &&
	test "$(cat third.* | grep -c " 202\$")" = 4000 &&
	test "$(rows inbound)" = 4000 && test "$(rows cases)" = 4000 &&
	test "$(rows outbox)" = 4000 &&
	test "$(metric "papigw_messages_duplicate_total{channel=\"gen\"}")" \
	    -ge 4000
'

test_expect_success 'a second daemon on the same port refuses to start' '
	test_exit_status 1 timeout 10 "$PAPIGWD" -d -c p.conf \
	    -o storage.path="$TRASH/second.db" \
	    -o control.socket="$TRASH/second.sock" 2>err &&
	test_grep "cannot listen on 127.0.0.1:$port" err &&
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
