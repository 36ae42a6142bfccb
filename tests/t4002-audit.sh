#!/bin/sh
test_description='papictl audit: the log, and --verify catching entries edited, removed, forged or wiped with sqlite3 behind the daemon'"'"'s back, chain made again or not'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

# The newest schema version: the one the code says it knows.
latest=$(sed -n 's/^#define STORE_SCHEMA_VERSION[^0-9]*\([0-9]*\).*/\1/p' \
    "$SRC_DIR/src/store/store.h")

test_expect_success 'a log of case work' '
	ctl_conf p.conf "audit = { checkpoint_interval = 1; };" &&
	start_daemon -c p.conf &&
	inject +84912345701 "Đèn đường hẻm 45 bị hỏng cả tuần" && A=$REF &&
	inject +84912345702 "Rác thải bỏ bừa bãi ở chợ" && B=$REF &&
	ctl claim "$A" >/dev/null && ctl note "$A" "đã báo điện lực" >/dev/null &&
	ctl close "$B" >/dev/null &&
	N=$(sql "SELECT count(*) FROM audit") &&
	test "$N" -ge 7
'

test_expect_success 'audit lists the newest entries with the acting user' '
	ctl audit --limit 3 >out &&
	test "$(grep -c "^ *[0-9]" out)" = 3 &&
	test_grep "root *case.close *$B" out &&
	ctl --json audit >a.json &&
	test "$(jget a.json "\$.entries[0].id")" = 1 &&
	test "$(jget a.json "\$.entries[0].action")" = audit.keyed &&
	test "$(jget a.json "\$.entries[1].action")" = case.create
'

test_expect_success 'the key: made at the first start, the daemon'"'"'s alone, not in the database' '
	test -f audit.key &&
	test "$(stat -c %a audit.key)" = 400 &&
	key=$(cat audit.key) && test ${#key} = 64 &&
	! grep -q "$key" papigw.db &&
	test_grep "audit: made the key $TRASH/audit.key" daemon.log
'

test_expect_success 'checkpoints: in the journal and in the checkpoint file' '
	wait_for "grep -q \"audit: checkpoint: $N entries, the newest $N\" daemon.log" &&
	wait_for "grep -q \" $N $N \" audit.checkpoints" &&
	head=$(sql "SELECT lower(hex(hash)) FROM audit WHERE id = $N") &&
	test_grep "^[0-9]* $N $N $head [0-9a-f]*\$" audit.checkpoints
'

test_expect_success 'an untouched log verifies, and says against what' '
	ctl audit --verify >out &&
	test_grep "^audit log verified: $N entries, the newest is $N" out &&
	fp=$(grep -o "fingerprint [0-9a-f]*" daemon.log | head -n 1) &&
	test_grep "checked against: the key $TRASH/audit.key (HMAC-SHA256, $fp)" out &&
	test_grep "checkpoints: $TRASH/audit.checkpoints, [0-9]* of them, the newest at .*: $N entries up to entry $N" out &&
	ctl --json audit --verify >v.json &&
	test "$(jget v.json "\$.checked_against.sealed_by")" = 1 &&
	test "$(jget v.json "\$.checked_against.unkeyed")" = 0
'

# The hashes are bytes (schema 27); the head keeps the newest in hex.
# Putting a removed entry back with sqlite3 fires the head trigger too:
# the tests set the head back as it was, to go on from a good log.
fix_head() {
	sql "UPDATE audit_head SET last_id = (SELECT max(id) FROM audit),
	    entries = (SELECT count(*) FROM audit),
	    hash = (SELECT lower(hex(hash)) FROM audit ORDER BY id DESC LIMIT 1)"
}

# bytes HEX: the bytes HEX stands for, as a literal of the store's SQL.
bytes() {
	if [ -n "${PAPIGW_TEST_PG:-}" ]; then
		printf "'\\\\x%s'" "$1"
	else
		printf "X'%s'" "$1"
	fi
}

test_expect_success 'an entry edited with sqlite3 is caught, and which' '
	d=$(sql "SELECT detail FROM audit WHERE id = 3") &&
	sql "UPDATE audit SET detail = '"'nothing happened'"' WHERE id = 3" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "^audit log ALTERED" out &&
	test_grep "entry 3 was changed" out &&
	ctl --json audit --verify >v.json ;
	test "$(jget v.json "\$.first_bad")" = 3 &&
	sql "UPDATE audit SET detail = '\''$d'\'' WHERE id = 3" &&
	ctl audit --verify >/dev/null
'

test_expect_success 'a changed actor or time is caught too' '
	sql "UPDATE audit SET actor = '"'papigwd'"' WHERE id = 5" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "entry 5 was changed" out &&
	sql "UPDATE audit SET actor = '"'root'"' WHERE id = 5" &&
	sql "UPDATE audit SET at = at - 3600 WHERE id = 2" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "entry 2 was changed" out &&
	sql "UPDATE audit SET at = at + 3600 WHERE id = 2" &&
	ctl audit --verify >/dev/null
'

test_expect_success 'a removed entry in the middle is caught' '
	store_dump audit "id = 4" >row4.sql &&
	sql "DELETE FROM audit WHERE id = 4" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "entry 5 does not follow entry 3" out &&
	sql <row4.sql && fix_head &&
	ctl audit --verify >/dev/null
'

test_expect_success 'the newest entry removed is caught (the stored head)' '
	last=$(sql "SELECT max(id) FROM audit") &&
	store_dump audit "id = $last" >last.sql &&
	sql "DELETE FROM audit WHERE id = $last" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "the newest entries were removed" out &&
	sql <last.sql && fix_head &&
	ctl audit --verify >/dev/null
'

# rechain FROM: makes the chain again from entry FROM on, as someone with
# the database but not the key would: the plain SHA-256 of the entry
# (store/audit_chain.c) over the hash of the one before.
ns() {
	printf "%s:%s," "$(printf "%s" "$1" | wc -c)" "$1"
}
rechain() {
	for id in $(sql "SELECT id FROM audit WHERE id >= $1 ORDER BY id"); do
		prev=$(sql "SELECT coalesce((SELECT lower(hex(hash)) FROM audit
		    WHERE id < $id ORDER BY id DESC LIMIT 1), printf('%064d', 0))") &&
		h=$({ ns "$prev"
		      ns "$(sql "SELECT at FROM audit WHERE id = $id")"
		      ns "$(sql "SELECT actor FROM audit WHERE id = $id")"
		      ns "$(sql "SELECT action FROM audit WHERE id = $id")"
		      ns "$(sql "SELECT coalesce(CAST(case_id AS TEXT), '') FROM audit WHERE id = $id")"
		      ns "$(sql "SELECT coalesce(detail, '') FROM audit WHERE id = $id")"
		    } | openssl dgst -sha256 -r | cut -c 1-64) &&
		sql "UPDATE audit SET prev_hash = $(bytes "$prev"),
		    hash = $(bytes "$h") WHERE id = $id" || return 1
	done
	fix_head
}

test_expect_success 'setup: a copy of the good log' '
	store_dump audit >good.sql &&
	test "$(wc -l <good.sql)" = "$N"
'

# mac ID: the HMAC-SHA256 with the key of entry ID's fields, as
# store/audit_chain.c makes it, by openssl(1).
mac() {
	{ ns "$(sql "SELECT lower(hex(hash)) FROM audit WHERE id < $1
	      ORDER BY id DESC LIMIT 1")"
	  ns "$(sql "SELECT at FROM audit WHERE id = $1")"
	  ns "$(sql "SELECT actor FROM audit WHERE id = $1")"
	  ns "$(sql "SELECT action FROM audit WHERE id = $1")"
	  ns "$(sql "SELECT coalesce(CAST(case_id AS TEXT), '') FROM audit WHERE id = $1")"
	  ns "$(sql "SELECT coalesce(detail, '') FROM audit WHERE id = $1")"
	} | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(cat audit.key)" -r |
	    cut -c 1-64
}

test_expect_success 'an entry'"'"'s hash: the HMAC-SHA256 of its fields with the key' '
	for id in 2 3 $N; do
		test "$(mac $id)" = "$(sql "SELECT lower(hex(hash)) FROM audit
		    WHERE id = $id")" || return 1
	done
'

# restore: the good log back, in one transaction: the daemon's
# checkpoints must not see it half done.
restore() {
	{ echo "BEGIN; DELETE FROM audit;" && cat good.sql &&
	  echo "UPDATE audit_head SET last_id = (SELECT max(id) FROM audit),
	      entries = (SELECT count(*) FROM audit),
	      hash = (SELECT lower(hex(hash)) FROM audit ORDER BY id DESC LIMIT 1);" &&
	  echo "COMMIT;"; } | sql &&
	ctl audit --verify >/dev/null
}

test_expect_success 'an edit with the chain made again is caught' '
	sql "UPDATE audit SET detail = '"'nothing happened'"' WHERE id = 3" &&
	rechain 3 &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "entry 3 was changed or forged (its HMAC with the key" out &&
	restore
'

test_expect_success 'a removed entry with the chain made again is caught' '
	sql "DELETE FROM audit WHERE id = 4" && rechain 5 &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "entry 5 was changed or forged" out &&
	restore
'

test_expect_success 'a forged entry appended is caught' '
	sql "INSERT INTO audit (at, actor, action, detail, prev_hash, hash)
	    VALUES (strftime('"'%s'"'), '"'root'"', '"'case.close'"', '"'x'"',
	    '"''"', '"''"')" &&
	rechain $((N + 1)) &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "entry $((N + 1)) was changed or forged" out &&
	wait_for "grep -q \"audit: the newest entry ($((N + 1))) does not verify with the key\" daemon.log" 30 &&
	restore
'

test_expect_success 'the newest entries removed, head made to match: the checkpoints catch it' '
	sql "DELETE FROM audit WHERE id > $((N - 2))" && fix_head &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "the log ends at entry $((N - 2)) ($((N - 2)) entries), but the checkpoint of [0-9]* saw entry $N ($N entries)" out &&
	restore
'

test_expect_success 'the whole log wiped: caught' '
	sql "DELETE FROM audit;
	    UPDATE audit_head SET last_id = 0, entries = 0, hash = '"''"'" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "^audit log ALTERED (0 entries read)" out &&
	test_grep "but the checkpoint of [0-9]* saw entry $N ($N entries)" out &&
	test_grep "no entry is keyed" out &&
	restore
'

test_expect_success 'a forged checkpoint line is caught' '
	cp audit.checkpoints cp.good &&
	echo "$(date +%s) 999 999 $(printf "%064d" 0) $(printf "%064d" 1)" >>audit.checkpoints &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "1 lines of $TRASH/audit.checkpoints are not the daemon" out &&
	cp cp.good audit.checkpoints &&
	ctl audit --verify >/dev/null
'

test_expect_success 'the log going back is said in the journal at the next checkpoint' '
	ctl note "$A" "một ghi chú nữa" >/dev/null && N=$((N + 1)) &&
	wait_for "grep -q \"audit: checkpoint: $N entries\" daemon.log" &&
	store_dump audit >good.sql &&
	last=$(sql "SELECT max(id) FROM audit") &&
	sql "DELETE FROM audit WHERE id = $last" && fix_head &&
	wait_for "grep -q \"audit: the log went back from $N entries (the newest $last) to $((N - 1))\" daemon.log" &&
	restore
'

test_expect_success 'new entries go on from the chain; it still verifies' '
	ctl note "$A" "thêm ghi chú" >/dev/null &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"configuration reloaded\" daemon.log" &&
	wait_for "test \$(sql \"SELECT count(*) FROM audit WHERE action = '"'config.reload'"'\") = 1" &&
	ctl audit --verify >out &&
	test_grep "verified: $((N + 2)) entries" out
'

test_expect_success 'SIGTERM: a last checkpoint' '
	last=$(sql "SELECT max(id) FROM audit") &&
	stop_daemon && test "$daemon_status" -eq 0 &&
	test_grep " $((N + 2)) $last " audit.checkpoints
'

test_requires_sqlite 'entries in hex digits, as papigw wrote them before schema 27'
test_expect_success 'a store of version 26 with its entries in hex: upgraded, verified, the chain goes on in bytes' '
	n=$(sql "SELECT count(*) FROM audit") &&
	sql "UPDATE audit SET prev_hash = lower(hex(prev_hash)),
	    hash = lower(hex(hash)); ALTER TABLE outbox DROP COLUMN ward;
	    UPDATE outbox SET text = $OUTBOX_TEXT, tpl = NULL
	    WHERE tpl IS NOT NULL; ALTER TABLE outbox DROP COLUMN tpl;
	    DROP TABLE outbox_texts; DROP INDEX inbound_pid_key;
	    DROP INDEX inbound_provider_id; ALTER TABLE inbound DROP COLUMN pid_key;
	    CREATE UNIQUE INDEX inbound_provider_id ON inbound (channel,
	    provider_msg_id) WHERE provider_msg_id IS NOT NULL;
	    DROP INDEX cases_open_held; CREATE INDEX cases_open_due ON cases
	    (deadline) WHERE state NOT IN ('"'resolved'"', '"'confirmed'"');
	    PRAGMA user_version = 26" &&
	test "$(sql "SELECT count(*) FROM audit WHERE typeof(hash) = '"'text'"'
	    AND length(hash) = 64 AND length(prev_hash) IN (8, 64)")" = "$n" &&
	: >daemon.log && start_daemon -c p.conf &&
	test "$(sql "PRAGMA user_version")" = "$latest" &&
	ctl note "$A" "sau khi nâng cấp" >/dev/null &&
	ctl note "$A" "một ghi chú nữa" >/dev/null &&
	ctl audit --verify >out &&
	test_grep "^audit log verified: $((n + 2)) entries" out &&
	test "$(sql "SELECT group_concat(typeof(prev_hash) || length(prev_hash) ||
	    typeof(hash) || length(hash), '"' '"') FROM (SELECT * FROM audit
	    WHERE id > (SELECT max(id) - 3 FROM audit) ORDER BY id)")" = \
	    "text8text64 blob4blob32 blob4blob32" &&
	! grep -q "does not verify" daemon.log
'

test_requires_sqlite 'entries in hex digits, as papigw wrote them before schema 27'
test_expect_success 'an entry in hex changed, or one in bytes, is caught' '
	old=$(sql "SELECT max(id) FROM audit WHERE typeof(hash) = '"'text'"'") &&
	new=$(sql "SELECT max(id) FROM audit") &&
	sql "UPDATE audit SET detail = detail || '"'.'"' WHERE id IN ($old, $new)" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "entry $old was changed or forged" out &&
	test_grep "entry $new was changed or forged" out &&
	sql "UPDATE audit SET detail = substr(detail, 1, length(detail) - 1)
	    WHERE id IN ($old, $new)" &&
	ctl audit --verify >/dev/null &&
	stop_daemon
'

test_expect_success 'a key that others may read: the daemon does not start' '
	chmod 440 audit.key &&
	test_must_fail "$PAPIGWD" -d -c p.conf >out 2>&1 &&
	test_grep "audit.key: others may read or write it (mode 440): chmod 400 it" out &&
	chmod 400 audit.key
'

test_expect_success 'an old unkeyed log: kept verifiable up to the seal' '
	sql "DELETE FROM audit WHERE action = '"'audit.keyed'"'" &&
	rechain 1 && rm audit.key audit.checkpoints &&
	old=$(sql "SELECT count(*) FROM audit") &&
	start_daemon -c p.conf &&
	test_grep "keyed from now on ($old earlier entries stay unkeyed SHA-256, sealed)" daemon.log &&
	ctl audit --verify >out &&
	seal=$(sql "SELECT id FROM audit WHERE action = '"'audit.keyed'"'") &&
	test_grep "$old entries from before keying: plain SHA-256, sealed by entry $seal" out
'

test_expect_success 'an old entry changed, the old chain made again: caught at the seal' '
	sql "UPDATE audit SET detail = '"'x'"' WHERE id = 3" &&
	first=$(sql "SELECT min(id) FROM audit") && rechain "$first" &&
	test_exit_status 1 ctl audit --verify >out &&
	test_grep "entry $seal was changed or forged" out &&
	stop_daemon
'

test_done
