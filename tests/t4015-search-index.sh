#!/bin/sh
test_description='the full-text index: the timer indexes messages in small chunks while they come in, search finds every one, and the index merges its segments itself'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

# The timer indexes FTS_CHUNK (256) messages a work item
# (src/daemon/timers.c): N makes a dozen chunks and more.
N=3200

# send FROM TO: the messages FROM to TO through HTTP, 16 at once (one
# curl), each from a sender of its own with a word of its own (wN).
send() {
	i=$1
	: >reqs
	while [ "$i" -le "$2" ]; do
		[ "$i" -eq "$1" ] || echo next >>reqs
		printf 'url = "http://127.0.0.1:%s/sms/generic"\ndata = "from=%%2B849%08d&to=8088&id=m%d&text=C%%E1%%BB%%91ng+h%%E1%%BA%%BBm+w%d+%%C4%%91%%C6%%B0%%E1%%BB%%9Dng+ng%%E1%%BA%%ADp"\noutput = "/dev/null"\n' \
		    "$port" "$i" "$i" "$i" >>reqs
		i=$((i + 1))
	done
	curl -sS --no-progress-meter -Z --parallel-max 16 -K reqs
}

# indexed: 1 when the index holds every message stored.
indexed() {
	test "$(sql "SELECT (SELECT value FROM counters WHERE name =
	    'fts_inbound') >= (SELECT max(id) FROM inbound)")" = 1 ||
	test "$(sql "SELECT (SELECT value FROM counters WHERE name =
	    'fts_inbound') >= (SELECT max(id) FROM inbound)")" = t
}

test_expect_success 'messages in waves, the timer indexing between them and during' '
	ctl_conf p.conf "
channels = ( { name = \"gen\"; type = \"generic\"; base_url = \"http://127.0.0.1:9\"; } );" &&
	start_daemon -c p.conf &&
	send 1 1000 &&
	wait_for "test \$(sql \"SELECT value FROM counters WHERE name = '"'fts_inbound'"'\") -gt 0" &&
	send 1001 2200 &&
	sleep 1 &&
	send 2201 $N &&
	test "$(sql "SELECT count(*) FROM inbound")" = $N &&
	wait_for indexed 30
'

# found WORD: how many messages the index finds WORD in, each once (on
# SQLite its rows that are messages).
found() {
	if [ -n "${PAPIGW_TEST_PG:-}" ]; then
		sql "SELECT count(*) FROM inbound WHERE id IN (SELECT id FROM
		    inbound_fts WHERE doc @@ to_tsquery('simple', '$1'))"
	else
		sql "SELECT count(*) FROM inbound WHERE id IN (SELECT rowid FROM
		    inbound_fts WHERE inbound_fts MATCH '$1')"
	fi
}

test_expect_success 'search finds every message, and each by its own word' '
	test "$(found duong)" = $N &&
	test "$(found ngap)" = $N &&
	for w in 1 2 255 256 257 1000 1001 1500 2200 2201 3000 $N; do
		ctl list --text "w$w" >out &&
		test "$(grep -c "^PA-" out)" = 1 &&
		test "$(found w$w)" = 1 || return 1
	done
'

test_requires_sqlite 'FTS5 internals'
test_expect_success 'FTS5 does not merge by itself; the chunks merged its segments' '
	test "$(sql "SELECT v FROM inbound_fts_config WHERE k = '"'automerge'"'")" = 0 &&
	test "$(sql "SELECT count(*) FROM inbound_fts WHERE inbound_fts MATCH '"'duong'"'")" = $N &&
	segs=$(sql "SELECT count(DISTINCT segid) FROM inbound_fts_idx") &&
	echo "segments: $segs" &&
	test "$segs" -le 8 &&
	stop_daemon && test "$daemon_status" -eq 0 &&
	test "$(sql "PRAGMA integrity_check")" = ok &&
	test "$(sql "INSERT INTO inbound_fts (inbound_fts, rank) VALUES ('"'integrity-check'"', 0); SELECT 1")" = 1
'

test_done
