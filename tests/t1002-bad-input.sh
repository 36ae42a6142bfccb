#!/bin/sh
test_description='bad input: large bodies, invalid UTF-8, a store that refuses, slow clients'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"

FLOOD='Cống thoát nước hẻm 42 bị tắc, đường ngập nước mỗi khi mưa'

# A tmpfs mounted for the disk-full test is unmounted at exit, after the
# daemons that use it are gone (lazily, should one still hold it).
trap 'for p in $daemon_pids; do kill -9 $p 2>/dev/null; done
	umount -l "$TRASH/small" 2>/dev/null; cleanup' EXIT

# bytes N: N bytes of form text ("text=xxx...").
bytes() {
	printf 'text='
	head -c $(($1 - 5)) /dev/zero | tr '\0' x
}

test_expect_success 'setup' '
	write_conf p.conf "channels = ( { name = \"gen\"; type = \"generic\"; },
	    { name = \"at\"; type = \"africastalking\"; } );" &&
	start_daemon -c p.conf -o storage.busy_timeout=100
'

test_expect_success 'an empty form POST: 400, not a crash' '
	http /sms/generic -X POST \
	    -H "Content-Type: application/x-www-form-urlencoded" \
	    --data-binary "" &&
	test_status 400 && test_body "missing from" &&
	http /sms/africastalking -X POST \
	    -H "Content-Type: application/x-www-form-urlencoded" \
	    --data-binary "" &&
	test_status 400 && test "$(rows inbound)" = 0
'

# --- Bodies over http.max_body -----------------------------------------

test_expect_success 'a body over 16 KiB (the default): 413, nothing stored' '
	bytes 16385 >big &&
	http "/sms/generic?from=%2B84901000001&id=big-1" --data-binary @big &&
	test_status 413 && test_body "request body too large" &&
	test "$(rows inbound)" = 0
'

test_expect_success 'the same, chunked (no Content-Length): 413' '
	http "/sms/generic?from=%2B84901000001&id=big-2" --data-binary @big \
	    -H "Transfer-Encoding: chunked" &&
	test_status 413 && test "$(rows inbound)" = 0
'

test_expect_success 'a body of exactly 16 KiB is taken' '
	bytes 16384 >max &&
	http "/sms/generic?from=%2B84901000001&id=big-3" --data-binary @max &&
	test_status 202 &&
	test "$(q "SELECT length(text) FROM inbound
	    WHERE provider_msg_id = '"'big-3'"'")" = 16379
'

test_expect_success '-o http.max_body=2048: 413 above, 202 below' '
	stop_daemon && : >daemon.log &&
	start_daemon -c p.conf -o http.max_body=2048 \
	    -o storage.busy_timeout=100 &&
	bytes 2049 >big &&
	http "/sms/generic?from=%2B84901000001&id=big-4" --data-binary @big &&
	test_status 413 &&
	bytes 2048 >max &&
	http "/sms/generic?from=%2B84901000001&id=big-5" --data-binary @max &&
	test_status 202 &&
	test "$(rows inbound provider_msg_id=big-4)" = 0 &&
	test "$(rows inbound provider_msg_id=big-5)" = 1 &&
	test "$(metric "papigw_http_rejected_total{reason=\"too_large\"}")" = 1
'

# --- Invalid UTF-8 ---------------------------------------------------

test_expect_success 'invalid UTF-8: taken; raw bytes kept, text repaired' '
	http /sms/generic -d from=%2B84901000002 -d id=utf-1 \
	    -d "text=%C3%28abc" &&
	test_status 202 &&
	test "$(q "SELECT hex(raw), hex(text) FROM inbound
	    WHERE provider_msg_id = '"'utf-1'"'")" = \
	    "C328616263|EFBFBD28616263"
'

test_expect_success 'invalid UTF-8 after valid text: a case, raw kept' '
	http /sms/africastalking -d from=%2B84901000003 -d id=utf-2 \
	    -d "text=C%E1%BB%91ng%20b%E1%BB%8B%20t%E1%BA%AFc%20%FF%FE" &&
	test_status 200 &&
	test "$(q "SELECT hex(raw), text FROM inbound
	    WHERE provider_msg_id = '"'utf-2'"'")" = \
	    "43E1BB916E672062E1BB8B2074E1BAAF6320FFFE|Cống bị tắc ��" &&
	test "$(rows cases sender=+84901000003)" = 1
'

test_expect_success 'valid UTF-8: no raw copy' '
	post /sms/generic from=+84901000004 id=utf-3 text="$FLOOD" &&
	test_status 202 &&
	test "$(q "SELECT CAST(raw IS NULL AS INTEGER) FROM inbound
	    WHERE provider_msg_id = '"'utf-3'"'")" = 1
'

# --- A store that cannot take the message ---------------------------

test_requires_sqlite 'a lock on the store file taken with sqlite3'
test_expect_success 'store locked by another writer: 503, nothing stored' '
	mkfifo lockfifo &&
	{ sqlite3 papigw.db <lockfifo >lock.out 2>&1 & } &&
	lk=$! && daemon_pids="$daemon_pids $lk" &&
	exec 8>lockfifo &&
	echo ".timeout 5000" >&8 &&
	echo "BEGIN EXCLUSIVE; UPDATE counters SET value = value;" >&8 &&
	echo ".print locked" >&8 &&
	wait_for "grep -q ^locked lock.out" &&
	! sqlite3 papigw.db "BEGIN IMMEDIATE; ROLLBACK;" &&
	post /sms/generic from=+84901000005 id=lock-1 text="$FLOOD" &&
	test_status 503 && test_body "store unavailable, try again later" &&
	test_grep "store: begin: database is locked" daemon.log &&
	test "$(rows inbound provider_msg_id=lock-1)" = 0
'

test_requires_sqlite 'a lock on the store file taken with sqlite3'
test_expect_success 'the lock released, the retry is taken once' '
	echo "ROLLBACK;" >&8 && exec 8>&- && wait $lk &&
	post /sms/generic from=+84901000005 id=lock-1 text="$FLOOD" &&
	test_status 202 &&
	test "$(rows inbound provider_msg_id=lock-1)" = 1 &&
	test "$(rows cases sender=+84901000005)" = 1 &&
	test "$(rows outbox recipient=+84901000005)" = 1 &&
	test "$(metric papigw_ingest_store_failures_total)" -ge 1 &&
	test "$(metric "papigw_http_rejected_total{reason=\"unavailable\"}")" \
	    = 1
'

# failsync.so makes fdatasync() fail with EIO while the file "nosync"
# exists: a message committed to the WAL but maybe not on disk is not
# answered 2xx; the provider's retry finds it stored.  (The first commit
# after a start syncs the new WAL's header itself: one message first.)
test_requires_sqlite 'fdatasync() of the WAL made to fail'
test_expect_success 'the WAL cannot be synced: 503, nothing answered 2xx' '
	stop_daemon &&
	: >daemon.log &&
	LD_PRELOAD="$BUILD/tools/failsync.so" FAILSYNC_FLAG="$TRASH/nosync" \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" &&
	export LD_PRELOAD FAILSYNC_FLAG ASAN_OPTIONS &&
	start_daemon -c p.conf &&
	unset LD_PRELOAD &&
	post /sms/generic from=+84901000006 id=sync-0 text="$FLOOD" &&
	test_status 202 &&
	touch nosync &&
	post /sms/generic from=+84901000006 id=sync-1 text="$FLOOD" &&
	test_status 503 && test_body "store unavailable, try again later" &&
	test_grep "papigw.db-wal: fdatasync: Input/output error" daemon.log &&
	test "$(metric papigw_store_errors_total)" -ge 1
'

test_requires_sqlite 'fdatasync() of the WAL made to fail'
test_expect_success 'the disk back, the retry finds the message, once' '
	rm nosync &&
	post /sms/generic from=+84901000006 id=sync-1 text="$FLOOD" &&
	test_status 202 &&
	test "$(rows inbound provider_msg_id=sync-1)" = 1 &&
	test "$(rows inbound sender=+84901000006)" = 2 &&
	test "$(rows cases sender=+84901000006)" = 1 &&
	post /sms/generic from=+84901000006 id=sync-2 text="$FLOOD" &&
	test_status 202 &&
	stop_daemon && start_daemon -c p.conf -o storage.busy_timeout=100
'

# A small tmpfs holds the store; a file fills it while messages arrive.
# Every message answered 2xx must be stored; the others get 503 (no
# other status), and once there is room again the retries are taken.
if [ -n "${PAPIGW_TEST_PG:-}" ]; then
	test_sqlite_only 'disk full' 'a full disk under the store file'
elif [ "$(id -u)" = 0 ] && mkdir small &&
    mount -t tmpfs -o size=16m tmpfs small 2>/dev/null; then
	test_expect_success 'disk full: 2xx only for what is stored, 503 else' '
		stop_daemon && : >daemon.log &&
		start_daemon -c p.conf -o storage.path="$TRASH/small/gw.db" &&
		avail=$(df -k --output=avail small | tail -n 1) &&
		dd if=/dev/zero of=small/filler bs=1k \
		    count=$((avail - 256)) 2>/dev/null &&
		: >sent && i=0 &&
		while [ $i -lt 120 ]; do
			i=$((i + 1))
			post /sms/generic from=+84901000006 id=full-$i \
			    text="$FLOOD $i $(head -c 1500 /dev/zero | tr "\0" y)"
			echo "full-$i $(cat status)" >>sent
		done &&
		awk "\$2 != 202 && \$2 != 503" sent >other &&
		test ! -s other &&
		grep -q " 202$" sent && grep -q " 503$" sent &&
		test_grep "disk is full" daemon.log &&
		kill -0 $daemon_pid
	'

	test_expect_success 'disk full: every 2xx is in the store once' '
		awk "\$2 == 202 { print \$1 }" sent | sort >ok &&
		sqlite3 small/gw.db "SELECT provider_msg_id FROM inbound" |
		    sort >stored &&
		comm -23 ok stored >lost && test ! -s lost &&
		test "$(sort stored | uniq -d | wc -l)" = 0
	'

	test_expect_success 'disk full: room again, the retries are taken' '
		rm small/filler &&
		awk "\$2 == 503 { print \$1 }" sent >retry &&
		(
			while read id; do
				post /sms/generic from=+84901000006 id=$id \
				    text="retry" && test_status 202 || exit 1
			done <retry
		) &&
		test "$(sqlite3 small/gw.db "SELECT count(*) FROM inbound
		    WHERE provider_msg_id LIKE '"'full-%'"'")" = 120 &&
		test "$(sqlite3 small/gw.db "PRAGMA integrity_check")" = ok &&
		stop_daemon && test "$daemon_status" -eq 0 &&
		umount small
	'
else
	test_skip 'disk full' 'needs root and a tmpfs mount'
fi

# --- Slow clients --------------------------------------------------------

# slow_client: connects, sends the headers of a POST with a 100-byte body
# and no body, and prints what the server sends until it closes (at most
# 10 seconds).
slow_client() {
	timeout 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port &&
	    printf \"POST /sms/generic HTTP/1.1\\r\\nHost: x\\r\\n\\
Content-Type: application/x-www-form-urlencoded\\r\\n\\
Content-Length: 100\\r\\n\\r\\n\" >&3 && cat <&3"
}

test_expect_success 'a client that sends no body is cut off after http.timeout' '
	{ ! kill -0 $daemon_pid 2>/dev/null || stop_daemon; } &&
	: >daemon.log &&
	start_daemon -c p.conf -o http.timeout=2 &&
	t0=$(date +%s) &&
	{ slow_client >slow.out 2>&1 & } && slow=$! &&
	daemon_pids="$daemon_pids $slow" &&
	wait $slow && t1=$(date +%s) &&
	test $((t1 - t0)) -ge 1 && test $((t1 - t0)) -le 5 &&
	test "$(rows inbound sender=+84901000007)" = 0
'

test_expect_success 'slow clients do not hold the server' '
	t0=$(date +%s) && slows="" && i=0 &&
	while [ $i -lt 12 ]; do
		i=$((i + 1))
		{ slow_client >slow.$i 2>&1 & } &&
		slows="$slows $!" && daemon_pids="$daemon_pids $!"
	done &&
	wait_for "test \$(ss -Htn state established \"( sport = :$port )\" |
	    wc -l) -ge 12" &&
	post /sms/generic from=+84901000008 id=slow-1 text="$FLOOD" \
	    -- --max-time 1 &&
	test_status 202 &&
	test "$(rows inbound provider_msg_id=slow-1)" = 1 &&
	bad="" && for s in $slows; do wait $s || bad="$bad $s"; done &&
	test -z "$bad" &&
	test $(($(date +%s) - t0)) -le 6 &&
	test "$(ss -Htn state established "( sport = :$port )" | wc -l)" = 0
'

test_done
