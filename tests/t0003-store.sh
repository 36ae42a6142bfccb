#!/bin/sh
test_description='the store: schema migrations on empty, older and newer databases'
. "$(dirname "$0")/lib.sh"

# The newest schema version: the one the code says it knows.
latest=$(sed -n 's/^#define STORE_SCHEMA_VERSION[^0-9]*\([0-9]*\).*/\1/p' \
    "$SRC_DIR/src/store/store.h")

test_expect_success 'an empty database gets the latest schema, in WAL mode' '
	write_conf p.conf &&
	start_daemon -c p.conf &&
	test "$(sqlite3 papigw.db "PRAGMA user_version")" = $latest &&
	test "$(sqlite3 papigw.db "PRAGMA journal_mode")" = wal &&
	sqlite3 papigw.db ".tables" >tables &&
	for t in cases inbound outbox case_events notes audit \
	    parts dlr; do
		test_grep "\\b$t\\b" tables || return 1
	done &&
	stop_daemon && test "$daemon_status" -eq 0
'

test_expect_success 'restarting on the same database keeps it as it is' '
	sqlite3 papigw.db "INSERT INTO audit (at, actor, action, prev_hash, hash)
	    VALUES (1, \"t\", \"marker\", \"\", \"\")" &&
	: >daemon.log && start_daemon -c p.conf && stop_daemon &&
	test "$(sqlite3 papigw.db "SELECT count(*) FROM audit WHERE action = \"marker\"")" = 1 &&
	test "$(sqlite3 papigw.db "PRAGMA user_version")" = $latest
'

test_expect_success 'a version 1 database is migrated with its rows' '
	sqlite3 old.db <"$TESTS_DIR/data/store-v1.sql" &&
	test "$(sqlite3 old.db "PRAGMA user_version")" = 1 &&
	: >daemon.log &&
	start_daemon -c p.conf -o storage.path="$TRASH/old.db" &&
	test "$(sqlite3 old.db "PRAGMA user_version")" = $latest &&
	test "$(sqlite3 old.db "SELECT count(*) FROM cases")" = 2 &&
	test "$(sqlite3 old.db "SELECT state FROM cases WHERE ref_number = 1")" = resolved &&
	test "$(sqlite3 old.db "SELECT closed FROM cases WHERE ref_number = 1")" = 1700000500 &&
	test "$(sqlite3 old.db "SELECT closed IS NULL FROM cases WHERE ref_number = 2")" = 1 &&
	test "$(sqlite3 old.db "SELECT count(*) FROM inbound")" -ge 1 &&
	stop_daemon && test "$daemon_status" -eq 0
'

test_expect_success 'a database newer than the code is refused' '
	sqlite3 new.db "PRAGMA user_version = 99" &&
	test_exit_status 1 "$PAPIGWD" -d -c p.conf \
	    -o storage.path="$TRASH/new.db" 2>err &&
	test_grep "schema version 99 is newer than this papigw knows" err &&
	test "$(sqlite3 new.db "PRAGMA user_version")" = 99
'

test_expect_success 'a file that is not a database is refused' '
	echo "not a database" >junk.db &&
	test_exit_status 1 "$PAPIGWD" -d -c p.conf \
	    -o storage.path="$TRASH/junk.db" 2>err &&
	test_grep "store: " err
'

test_done
