#!/bin/sh
test_description='outbox: the rows sent counted, not indexed (schema 24), the queued ones indexed once (schema 30): papictl status and /metrics give the numbers the rows give, after the migration and as rows are sent, reported and retried'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-fake.sh"

STATES="queued sending sent delivered failed"

# by_rows: the outbox's counts as the rows give them, one line a channel
# and state ("gen sent 3"), then one a state ("* sent 5"), the way the
# store counted them before schema 24.
by_rows() {
	sql "SELECT channel || ' ' || state || ' ' || count(*) FROM outbox
	    GROUP BY channel, state ORDER BY channel, state" &&
	for s in $STATES; do
		echo "* $s $(sql "SELECT count(*) FROM outbox
		    WHERE state = '$s'")" || return 1
	done
}

# by_status: the same from papictl --json status (its channels and its
# outbox depths), and the depths again from /metrics.
by_status() {
	ctl --json status >st.json &&
	jq -r '.channels | to_entries[] | .key as $c | .value | to_entries[] |
	    select(.key as $k | "queued sending sent delivered failed" |
	    split(" ") | index($k)) | "\($c) \(.key) \(.value)"' st.json |
	    LC_ALL=C sort -k1,1 -k2,2 &&
	for s in $STATES; do
		echo "* $s $(jq -r ".outbox.$s" st.json)" || return 1
	done
}

# same: papictl status and /metrics say what the rows say.
same() {
	by_rows >want && by_status >got &&
	if ! cmp -s want got; then
		echo "rows and papictl status differ:" >&2
		diff want got >&2
		return 1
	fi &&
	for s in $STATES; do
		test "$(metric "papigw_outbox_depth{state=\"$s\"}")" = \
		    "$(sed -n "s/^\* $s //p" want)" || {
			echo "/metrics: $s differs" >&2
			return 1
		}
	done
}

# by_index STATE: the statement of the depth of STATE can use an index:
# outbox_queue for the queued rows, outbox_state, which leaves the rows
# sent and queued out, for the others (SQLite refuses INDEXED BY an index
# it cannot use).
by_index() {
	if [ "$1" = queued ]; then
		sql "SELECT count(*) FROM outbox INDEXED BY outbox_queue
		    WHERE state = 'queued'" >/dev/null
	else
		sql "SELECT count(*) FROM outbox INDEXED BY outbox_state
		    WHERE state = '$1' AND state <> 'sent'
		    AND state <> 'queued'" >/dev/null
	fi
}

# entries INDEX: the entries in INDEX, from SQLite's dbstat.
entries() {
	sql "SELECT coalesce(sum(ncell), 0) FROM dbstat
	    WHERE name = '$1' AND pagetype = 'leaf'"
}

# inject_all NUMBER...: a message in from each NUMBER.
inject_all() {
	for n; do
		ctl inject --from "$n" "Đèn đường hẻm ${n#+849130000} hỏng" \
		    >/dev/null || return 1
	done
}

# sent_is N: N rows are in state sent; sent_more N: N more than after
# the setup.
sent_is() {
	test "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")" = "$1"
}
sent_more() {
	sent_is $((base + $1))
}

# seed_v23: a store at version 23, the last without outbox_sent, made by
# the steps that made it, with rows in every final state on three
# channels: gen (configured below), tw and old (not, so their rows stay
# as they are): five of them sent.
seed_v23() {
	for f in "$SRC_DIR"/src/store/sql/0*.sql; do
		v=${f##*/} && v=${v%%-*} &&
		if [ "$v" -le 23 ]; then cat "$f" || return 1; fi
	done | sqlite3 papigw.db &&
	test "$(sqlite3 papigw.db "PRAGMA user_version")" = 23 &&
	now=$(date +%s) && later=$((now + 86400)) &&
	sqlite3 papigw.db "
INSERT INTO outbox (channel, recipient, text, encoding, segments, state,
  attempts, next_attempt, last_error, provider_msg_id, created, updated,
  kind, sent) VALUES
 ('gen', '+84912000001', 'a', 'gsm7', 1, 'sent', 1, $now, NULL, 'g1', $now, $now, 'ack', $now),
 ('gen', '+84912000002', 'b', 'gsm7', 2, 'sent', 1, $now, 'HTTP 500', 'g2', $now, $now, 'answer', $now),
 ('gen', '+84912000003', 'c', 'gsm7', 1, 'delivered', 1, $now, NULL, 'g3', $now, $now, 'ack', $now),
 ('gen', '+84912000004', 'd', 'gsm7', 1, 'failed', 3, $now, 'HTTP 400: bad number', NULL, $now, $now, 'ack', NULL),
 ('tw', '+84912000005', 'e', 'ucs2', 3, 'sent', 1, $now, NULL, 'SM5', $now, $now, 'answer', $now),
 ('tw', '+84912000006', 'f', 'ucs2', 1, 'sent', 2, $now, NULL, 'SM6', $now, $now, 'info', $now),
 ('tw', '+84912000007', 'g', 'ucs2', 1, 'queued', 0, $later, NULL, NULL, $now, $now, 'answer', NULL),
 ('tw', '+84912000008', 'h', 'ucs2', 1, 'failed', 1, $now, 'delivery report: undelivered', 'SM8', $now, $now, 'ack', $now),
 ('old', '+84912000009', 'i', 'gsm7', 1, 'sent', 1, $now, NULL, 'o9', $now, $now, 'ack', $now),
 ('old', '+84912000010', 'j', 'gsm7', 1, 'delivered', 1, $now, NULL, 'o10', $now, $now, 'ack', $now);"
}

# id_of NUMBER: the id of the outbox row to NUMBER.
id_of() {
	sql "SELECT id FROM outbox WHERE recipient = '$1'"
}

# On PostgreSQL the store starts empty (its schema is made whole): the
# migration is SQLite's.
test_expect_success 'setup: a version 23 store with varied outbox rows, migrated' '
	if [ -z "${PAPIGW_TEST_PG:-}" ]; then
		seed_v23 && sent_is 5
	fi &&
	start_fake &&
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	ctl_conf p.conf "
outbox = { max_attempts = 2; backoff_initial = 1; backoff_max = 1; };
channels = ( { name = \"gen\"; type = \"generic\";
    base_url = \"http://127.0.0.1:$fake_port\"; account = \"u\"; token = \"p\"; } );" &&
	: >daemon.log &&
	start_daemon -c p.conf &&
	base=$(sql "SELECT count(*) FROM outbox WHERE state = '"'sent'"'")
'

test_requires_sqlite "the migration from version 23"
test_expect_success 'the migration counts the rows sent; the index holds the others' '
	test "$(sql "PRAGMA user_version")" -ge 24 &&
	test "$(sql "SELECT group_concat(channel || '"'='"' || n, '"' '"') FROM
	    (SELECT channel, n FROM outbox_sent ORDER BY channel)")" = \
	    "gen=2 old=1 tw=2" &&
	sql "SELECT sql FROM sqlite_schema WHERE name = '"'outbox_state'"'" >idx &&
	test_grep "WHERE state <> .sent." idx &&
	same
'

test_requires_sqlite "SQLite's INDEXED BY"
test_expect_success 'the depths by state can be read from the index alone' '
	by_index queued && by_index sending && by_index delivered &&
	by_index failed
'

test_requires_sqlite "SQLite's dbstat"
test_expect_success 'a queued row is in outbox_queue, not in outbox_state too' '
	sql "SELECT sql FROM sqlite_schema WHERE name = '"'outbox_state'"'" >idx &&
	test_grep "state <> .queued." idx &&
	test "$(sql "SELECT count(*) FROM outbox WHERE state = '"'queued'"'")" \
	    -ge 1 &&
	test "$(entries outbox_state)" = "$(sql "SELECT count(*) FROM outbox
	    WHERE state <> '"'sent'"' AND state <> '"'queued'"'")" &&
	test "$(entries outbox_queue)" = "$(sql "SELECT count(*) FROM outbox
	    WHERE state = '"'queued'"'")"
'

test_expect_success 'replies sent through the provider are counted' '
	inject_all +84913000001 +84913000002 +84913000003 &&
	wait_for "sent_more 3" &&
	same
'

test_expect_success 'delivery reports move rows out of sent; the counts follow' '
	id=$(id_of +84913000001) &&
	get /dlr/gen id="$id" type=1 && test_status 200 &&
	wait_for "sent_more 2" &&
	id=$(id_of +84913000002) &&
	get /dlr/gen id="$id" type=2 && test_status 200 &&
	wait_for "sent_more 1" &&
	same
'

test_expect_success 'a failed row retried and sent again is counted once' '
	fake_mode permanent 1 &&
	ctl inject --from +84913000009 "Rác hẻm 9 chưa thu" >/dev/null &&
	wait_for "test \"\$(sql \"SELECT state FROM outbox WHERE recipient = '"'+84913000009'"'\")\" = failed" &&
	same &&
	id=$(id_of +84913000009) &&
	ctl retry "$id" >/dev/null &&
	wait_for "sent_more 2" &&
	same
'

test_expect_success 'restarted, the counts are the same' '
	stop_daemon && test "$daemon_status" -eq 0 &&
	start_daemon -c p.conf && same &&
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
